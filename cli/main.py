"""`sohoa`: serve the API, or recognise files locally with no server or database.

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

from models.errors import SohoaError

if TYPE_CHECKING:
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
    from services.settings import Settings

    settings = Settings()
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    try:
        application = create_app(settings)
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.exit_code) from exc
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info")


@app.command()
def ocr(
    paths: Annotated[list[Path], typer.Argument(help="image or PDF files", show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="write DIR/<stem>.txt, .pdf (searchable), .pNNNN.hocr (and .json) instead of stdout",
        ),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text, or json with words")] = (
        OutputFormat.TEXT
    ),
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
    from ocr.outputs import document_pdf
    from ocr.pipeline import recognise_document

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
                sys.stdout.write(result.model_dump_json(indent=1) + "\n")
            else:
                sys.stdout.write(result.text + "\n")
            continue
        (out / f"{path.stem}.txt").write_text(result.text + "\n", encoding="utf-8")
        pdfs = [page.pdf for page in result.pages if page.pdf is not None]
        if pdfs:
            (out / f"{path.stem}.pdf").write_bytes(document_pdf(pdfs))
        for page in result.pages:
            if page.hocr is not None:
                hocr = out / f"{path.stem}.p{page.number:04d}.hocr"
                hocr.write_text(page.hocr, encoding="utf-8")
        if fmt is OutputFormat.JSON:
            (out / f"{path.stem}.json").write_text(
                json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=1),
                encoding="utf-8",
            )
    return worst


if __name__ == "__main__":
    app()
