"""`sohoa`: serve the API, recognise files locally with no server or database, sweep orphans.

Errors print one line, `sohoa: <file>: <message> [<code>]`, and exit with the error's code
(models.errors); never a traceback for bad input.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from models.errors import SohoaError

app = typer.Typer(
    name="sohoa",
    help="Số hóa hồ sơ: digitize Vietnamese administrative papers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"sohoa: {message}", err=True)
    return typer.Exit(code)


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
    from services.settings import Settings

    settings = Settings()
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    try:
        open_store(settings)  # a misconfigured store is one line now, not a lifespan traceback
        application = create_app(settings)
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.exit_code) from exc
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")


@app.command()
def ocr(
    paths: Annotated[list[Path], typer.Argument(help="image or PDF files", show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="write DIR/<stem>.txt (and .json) instead of stdout"),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text, or json with words")] = (
        OutputFormat.TEXT
    ),
    languages: Annotated[str, typer.Option("--lang", help="Tesseract languages")] = "vie",
) -> None:
    """Recognise files locally: no server, no database."""
    from ocr.options import OcrOptions
    from ocr.pipeline import recognise_document

    options = OcrOptions(languages=languages)
    worst = 0
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            typer.echo(f"sohoa: {path}: cannot read: {exc.strerror}", err=True)
            worst = worst or 2
            continue
        try:
            result = recognise_document(data, options)
        except SohoaError as exc:
            typer.echo(f"sohoa: {path}: {exc.message} [{exc.code}]", err=True)
            worst = worst or exc.exit_code
            continue
        if out is None:
            if fmt is OutputFormat.JSON:
                sys.stdout.write(result.model_dump_json(indent=1) + "\n")
            else:
                sys.stdout.write(result.text + "\n")
            continue
        (out / f"{path.stem}.txt").write_text(result.text + "\n", encoding="utf-8")
        if fmt is OutputFormat.JSON:
            (out / f"{path.stem}.json").write_text(
                json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
    if worst:
        raise typer.Exit(worst)


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
