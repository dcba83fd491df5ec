"""`sohoa backfile` (bulk import of a shelf of dossiers) and `sohoa worker` (a Celery worker).

Both act on the configured catalog and store; registered on the app by `cli.main`.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from models.errors import SohoaError


def backfile(
    source: Annotated[
        str, typer.Argument(help="a folder, or s3://bucket/prefix (SOHOA_SOURCE_S3_*)")
    ],
    acting_as: Annotated[
        str, typer.Option("--as", help="the archivist the import is done as (audited)")
    ],
    manifest: Annotated[
        Path | None,
        typer.Option(help="CSV: file,dossier_code,procedure_code,applicant_name,applicant_id,kind"),
    ] = None,
    report: Annotated[
        Path, typer.Option(help="CSV of the files that failed (file,row,error_code,message)")
    ] = Path("backfile-failures.csv"),
    workers: Annotated[
        int | None, typer.Option(help="local OCR processes; default SOHOA_WORKERS")
    ] = None,
) -> None:
    """Import a folder of old dossiers; rerun it to resume after a crash or Ctrl-C.

    Without --manifest: one folder per dossier, named by its code, with a dossier.json.

    With SOHOA_QUEUE_URL set, `sohoa worker` processes recognise; otherwise a local pool.
    """
    from cli.common import context as _context
    from cli.common import fail
    from models import trace
    from models.auth import Actor
    from services.backfile import manifest as manifests
    from services.backfile import open_source, run_backfile
    from services.backfile.progress import Progress, Tally
    from services.backfile.runners import CeleryQueue, LocalPool, Runner

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # one request id for the run: its documents, their workers' lines and its audit rows
    with _context() as ctx, trace.bound(trace.new_id()):
        settings = ctx.settings
        principal, _hash, active = ctx.accounts.user(acting_as)
        if not active:
            raise fail(f"người dùng {acting_as} đã bị khóa", 7)
        actor = Actor(principal, origin=f"cli:backfile:{os.getpid()}")
        src = open_source(
            source,
            s3_endpoint=settings.source_s3_endpoint,
            s3_access_key=settings.source_s3_access_key,
            s3_secret_key=settings.source_s3_secret_key,
        )
        agency = principal.agency_code
        if manifest is not None:
            try:
                text = manifest.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise fail(f"{manifest}: không đọc được bảng kê (UTF-8 CSV): {exc}", 2) from exc
            try:
                rows = manifests.read_manifest(text, src, agency)
            except SohoaError as exc:
                _print_bad_rows(exc)
                raise
            count = len(rows)
            todo = iter(rows)
        else:
            try:
                count = manifests.check_folders(src, agency)
            except SohoaError as exc:
                _print_bad_rows(exc)
                raise
            todo = manifests.folder_rows(src, agency)
        runner: Runner
        if settings.queue_url:
            runner = CeleryQueue(settings)
        else:
            runner = LocalPool(ctx, workers if workers is not None else settings.workers)
        progress = Progress(sys.stderr, Tally(count))
        try:
            outcome = run_backfile(
                ctx,
                actor,
                src,
                todo,
                files=count,
                runner=runner,
                progress=progress,
                report=report,
                local=not settings.queue_url,
            )
        except KeyboardInterrupt:
            raise fail("đã dừng; chạy lại cùng lệnh để tiếp tục", 130) from None
        typer.echo(progress.summary(str(outcome.report) if outcome.tally.failed else None))
        if outcome.tally.failed:
            raise typer.Exit(1)


def _print_bad_rows(exc: SohoaError) -> None:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    for bad in detail.get("rows", []):
        where = f"dòng {bad['row']}" if "row" in bad else f"thư mục {bad.get('folder')}"
        typer.echo(f"sohoa: {where}: {bad.get('file', '')} {bad['problem']}".rstrip(), err=True)
    if detail.get("rows"):
        exc.detail = {"bad_rows": detail.get("bad_rows")}


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="processes; default SOHOA_WORKERS (one per core)")
    ] = None,
    pool: Annotated[str, typer.Option(help="prefork, or solo (one process: tests)")] = "prefork",
    loglevel: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING")] = "INFO",
    ping: Annotated[
        bool, typer.Option("--ping", help="exit 0 if a worker on this host answers (healthcheck)")
    ] = False,
) -> None:
    """Run a Celery worker that recognises documents queued at SOHOA_QUEUE_URL."""
    from cli.common import context as _context
    from cli.common import fail
    from services import worker_metrics
    from services.settings import Settings

    settings = Settings()
    if not settings.queue_url:
        raise fail("chưa đặt SOHOA_QUEUE_URL (vd. redis://127.0.0.1:6379/0)", 2)
    try:  # before anything imports prometheus_client (services.queue does)
        worker_metrics.prepare(settings)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    from services.logs import configure
    from services.queue import Enqueuer, celery_app

    configure(settings.log_format, loglevel)
    if ping:
        replies = celery_app(settings).control.ping(timeout=3.0) or []
        host = socket.gethostname()
        alive = any(name.endswith(f"@{host}") for reply in replies for name in reply)
        raise typer.Exit(0 if alive else 1)
    with _context() as ctx:  # brings the catalog to the newest schema before taking tasks
        enqueuer = Enqueuer(settings)
        resent = enqueuer.resend_stale(ctx)
        enqueuer.close()
    if resent:
        typer.echo(f"sohoa: sent again {resent} document(s) queued without a message", err=True)
    if pool not in ("prefork", "solo", "threads"):
        raise fail(f"pool không hợp lệ: {pool}", 2)
    if settings.worker_metrics_port is not None:
        worker_metrics.serve(settings)
    app = celery_app(settings)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency or settings.workers or 1}",
            f"--pool={pool}",
            f"--queues={settings.queue_name}",
            f"--loglevel={loglevel.upper()}",
            f"--hostname=sohoa-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )
