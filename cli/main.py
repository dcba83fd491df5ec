"""`sohoa`: serve the API, recognise files locally with no server or database, sweep orphans.

Errors print one line, `sohoa: <file>: <message> [<code>]`, and exit with the error's code
(models.errors); never a traceback for bad input.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import Executor
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import backfile as backfile_commands
from cli import backup as backup_commands
from cli import report as report_commands
from cli import search as search_commands
from cli import verify as verify_commands
from cli.common import context as _context
from cli.common import fail
from models.errors import SohoaError

if TYPE_CHECKING:
    from models.recognition import DocumentResult
    from ocr.options import OcrOptions

app = typer.Typer(
    name="sohoa",
    help="Số hóa hồ sơ: digitize Vietnamese administrative papers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="address; default SOHOA_HOST or 127.0.0.1")
    ] = None,
    port: Annotated[int | None, typer.Option(help="port; default SOHOA_PORT or 8000")] = None,
) -> None:
    """Run the API (and its OCR workers) until interrupted."""
    import uvicorn

    from api.app import create_app
    from services.context import open_store
    from services.logs import configure
    from services.settings import Settings

    settings = Settings()
    configure(settings.log_format, settings.log_level)
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    try:
        open_store(settings)  # a misconfigured store is one line now, not a lifespan traceback
        application = create_app(settings)
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.exit_code) from exc
    # our logging, not uvicorn's; its access line would print the query (a searched name):
    # api/metering.py logs each request by its route's template instead
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        log_level=settings.log_level.lower(),
    )


@app.command()
def ocr(
    paths: Annotated[list[Path], typer.Argument(help="image or PDF files", show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="write DIR/<stem>.txt, .pdf (searchable, PDF/A-2b), .pNNNN.hocr, "
            ".pNNNN.alto.xml (and .json) instead of stdout",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            help="text, or json: the document with its words and its `reading` (kind, fields)",
        ),
    ] = OutputFormat.TEXT,
    languages: Annotated[str, typer.Option("--lang", help="Tesseract languages")] = "vie",
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, help="pages recognised in parallel (processes)")
    ] = 1,
) -> None:
    """Recognise files locally: no server, no database."""
    from ocr.options import OcrOptions

    options = OcrOptions(languages=languages)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if jobs == 1:
        worst = _ocr_files(paths, options, out, fmt, None)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            worst = _ocr_files(paths, options, out, fmt, pool)
    if worst:
        raise typer.Exit(worst)


def _ocr_files(
    paths: list[Path],
    options: OcrOptions,
    out: Path | None,
    fmt: OutputFormat,
    pool: Executor | None,
) -> int:
    from ocr.alto import page_alto
    from ocr.pdfa import keep
    from ocr.pipeline import recognise_document
    from services.reading import archive_metadata, read

    worst = 0
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            typer.echo(f"sohoa: {path}: cannot read: {exc.strerror}", err=True)
            worst = worst or 2
            continue
        try:
            result = recognise_document(data, options, executor=pool)
        except SohoaError as exc:
            typer.echo(f"sohoa: {path}: {exc.message} [{exc.code}]", err=True)
            worst = worst or exc.exit_code
            continue
        if out is None:
            if fmt is OutputFormat.JSON:
                sys.stdout.write(_document_json(path, result) + "\n")
            else:
                sys.stdout.write(result.text + "\n")
            continue
        (out / f"{path.stem}.txt").write_text(result.text + "\n", encoding="utf-8")
        pdfs = [page.pdf for page in result.pages if page.pdf is not None]
        if pdfs:
            pdf, broken = keep(pdfs, archive_metadata(read(path.name, result)))
            if broken:
                typer.echo(f"sohoa: {path}: PDF written, not PDF/A: {', '.join(broken)}", err=True)
            (out / f"{path.stem}.pdf").write_bytes(pdf)
        for page in result.pages:
            stem = out / f"{path.stem}.p{page.number:04d}"
            if page.hocr is not None:
                stem.with_name(f"{stem.name}.hocr").write_text(page.hocr, encoding="utf-8")
            alto = page_alto(page, languages=options.languages, source=path.name)
            stem.with_name(f"{stem.name}.alto.xml").write_text(alto, encoding="utf-8")
        if fmt is OutputFormat.JSON:
            (out / f"{path.stem}.json").write_text(_document_json(path, result), encoding="utf-8")
    return worst


def _document_json(path: Path, result: DocumentResult) -> str:
    """The document's JSON with a top-level `reading`: the kind and key fields, each with its
    confidence, page, box and evidence, read as the service reads and records them."""
    from services.reading import read

    reading = read(path.name, result)
    document = result.model_dump(mode="json")
    document["reading"] = reading.model_dump(mode="json") if reading is not None else None
    return json.dumps(document, ensure_ascii=False, indent=1)


# bulk import and queue workers live in their own module (cli/backfile.py)
app.command("backfile")(backfile_commands.backfile)
app.command("worker")(backfile_commands.worker)
app.command("report")(report_commands.report)
app.command("search")(search_commands.search)
app.command("backup")(backup_commands.backup)
app.command("restore")(backup_commands.restore)
app.command("verify-store")(backup_commands.verify_store)
app.command("verify")(verify_commands.verify)

user_app = typer.Typer(help="Manage users and API keys (needs the catalog, not the server).")
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="login name")],
    role: Annotated[str, typer.Option(help="clerk, officer, archivist, auditor or admin")],
    agency: Annotated[
        str | None, typer.Option(help="agency code, e.g. 000.00.01.H29 (not for admin/auditor)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Create a user; without --password-stdin a password is generated and printed once."""
    from models.auth import Role
    from services import auth

    try:
        chosen = Role(role)
    except ValueError as exc:
        raise fail(f"unknown role {role!r} (one of: {', '.join(Role)})", 2) from exc
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with _context() as ctx:
        principal, password = auth.add_user(ctx, username, chosen, agency, password)
    typer.echo(
        f"user {principal.username} ({principal.role}, {principal.agency_code or 'all agencies'})"
    )
    if not password_stdin:
        typer.echo(f"password: {password}")


@user_app.command("key")
def user_key(
    username: Annotated[str, typer.Argument(help="the user the key acts as")],
    name: Annotated[str, typer.Option(help="what the key is for, e.g. backfile")],
) -> None:
    """Issue an API key (header X-API-Key) for a machine client; printed once."""
    from services import auth

    with _context() as ctx:
        typer.echo(auth.issue_api_key(ctx, username, name))


@user_app.command("list")
def user_list() -> None:
    """List users with their role and agency."""
    with _context() as ctx:
        for p in ctx.accounts.list_users():
            typer.echo(f"{p.username}\t{p.role}\t{p.agency_code or '*'}")


@app.command()
def sweep(
    grace: Annotated[
        int | None,
        typer.Option(
            "--grace",
            min=0,
            help="keep unreferenced objects younger than SECONDS; "
            "default SOHOA_ORPHAN_GRACE_SECONDS",
            metavar="SECONDS",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="list what would be removed, remove nothing")
    ] = False,
) -> None:
    """Remove stored objects that no catalog row references (left by crashes), after a grace."""
    from services.context import Context
    from services.settings import Settings
    from services.sweep import sweep_orphans

    settings = Settings()
    try:
        ctx = Context.open(settings)
        try:
            report = sweep_orphans(
                ctx,
                grace_seconds=settings.orphan_grace_seconds if grace is None else grace,
                dry_run=dry_run,
            )
        finally:
            ctx.close()
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.exit_code) from exc
    verb = "would remove" if dry_run else "removed"
    for key in report.removed:
        typer.echo(f"{verb} {key}")
    typer.echo(
        f"{verb} {len(report.removed)} orphan object(s), {report.removed_bytes} bytes; "
        f"kept {report.kept_young} younger than the grace; scanned {report.scanned}; "
        f"removed {report.debris} piece(s) of interrupted writes"
    )


if __name__ == "__main__":
    app()
