"""`sohoa backup DEST`, `sohoa restore SRC`, `sohoa verify-store`: parse, call the use case,
print what it did. Output names objects by their keys only (hashes and document ids)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from cli.common import context as _context
from cli.common import fail
from models.errors import SohoaError


class _Progress:
    """One line to stderr every few seconds and at the end: long runs show they are alive,
    short ones stay quiet, and a log file does not fill with a line per object."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.last = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= self.every:
            self.last = now
            typer.echo(f"{stage}: {done}/{total}", err=True)


def backup(
    dest: Annotated[
        Path, typer.Argument(help="backup folder: new, empty, or an earlier backup (incremental)")
    ],
) -> None:
    """Back up the catalog and the object store to a folder (while the service runs)."""
    from services.backup import backup as run

    with _context() as ctx:
        report = run(ctx, dest, progress=_Progress())
    typer.echo(
        f"backed up {report.objects} object(s), {report.total_bytes} bytes; "
        f"copied {report.copied} new, {report.copied_bytes} bytes; catalog dumped to {dest}"
    )
    if report.corrupt:
        for key in report.corrupt:
            typer.echo(f"corrupt {key}", err=True)
        raise fail(
            f"{len(report.corrupt)} object(s) do not match their sha256 and are not in the "
            "backup; run `sohoa verify-store`",
            5,
        )


def restore(
    src: Annotated[Path, typer.Argument(help="a folder written by `sohoa backup`")],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="restore even though the target holds data (its catalog is replaced)"
        ),
    ] = False,
) -> None:
    """Restore a backup into the configured (stopped, empty) service; checks it first."""
    from services.backup import restore as run
    from services.settings import Settings

    if not src.is_dir():
        raise fail(f"{src}: not a folder", 2)
    try:
        report = run(Settings(), src, force=force, progress=_Progress())
    except SohoaError as exc:
        detail = f" {exc.detail}" if exc.detail else ""
        hint = " (use --force to replace it)" if exc.code == "target_not_empty" else ""
        raise fail(f"{exc.message} [{exc.code}]{detail}{hint}", exc.exit_code) from exc
    typer.echo(
        f"restored {report.objects} object(s) ({report.copied} copied, "
        f"{report.copied_bytes} bytes) and the catalog from {src}"
    )


def verify_store(
    quiet: Annotated[
        bool, typer.Option("--quiet", help="print only the summary, not each object's key")
    ] = False,
) -> None:
    """Check every object the catalog names exists with its sha256; list orphans.

    Exit 5 when an object is missing or corrupt; orphans alone are reported (`sohoa sweep`
    removes them) and exit 0.
    """
    from services.verify_store import verify_store as run

    with _context() as ctx:
        report = run(ctx, progress=_Progress())
    if not quiet:
        for label, keys in (
            ("missing", report.missing),
            ("corrupt", report.corrupt),
            ("orphan", report.orphans),
        ):
            for key in keys:
                typer.echo(f"{label} {key}")
    typer.echo(
        f"checked {report.checked} object(s): {len(report.missing)} missing, "
        f"{len(report.corrupt)} corrupt, {len(report.orphans)} orphan(s)"
    )
    if not report.sound:
        raise typer.Exit(5)
