"""Backfile: import a shelf of old dossiers (a folder or S3 prefix + a manifest), resumably.

Each file goes through the same intake as an upload (limits, sniffing, audit), under the
archivist's name, then to a runner (local pool or Celery). The checkpoint is `backfile_items`:
a rerun skips what is finished, retries what failed while attempts remain, and cannot make a
second document of a file (its id is derived from dossier, path and content).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from models.auth import Actor, Permission
from models.catalog import DocumentStatus
from models.errors import Conflict, InvalidInput, NotFound, SohoaError
from services import intake
from services.access import dossier_for, require
from services.backfile.manifest import Row
from services.backfile.progress import Progress, Tally
from services.backfile.runners import Runner
from services.context import Context
from services.leases import requeue_dead_holders
from storage.catalog.backfile import BackfileLog, ItemStatus
from storage.objects import sha256_hex
from storage.sources import Source, open_source

__all__ = ["Outcome", "document_id", "open_source", "run_backfile", "write_report"]

log = logging.getLogger(__name__)

REPORT_COLUMNS = ("file", "row", "error_code", "message")


@dataclass(frozen=True)
class Outcome:
    tally: Tally
    report: Path | None


def document_id(dossier_code: str, path: str, sha256: str) -> str:
    """The same file of the same dossier row is the same document, on every run."""
    return hashlib.sha256(f"{dossier_code}\0{path}\0{sha256}".encode()).hexdigest()[:32]


def run_backfile(
    ctx: Context,
    actor: Actor,
    source: Source,
    rows: Iterable[Row],
    *,
    files: int,
    runner: Runner,
    progress: Progress | None = None,
    report: Path | None = None,
    local: bool = True,
) -> Outcome:
    """Import every row, wait for recognition, write the failure report; resumable anywhere."""
    require(actor, Permission.BACKFILE)
    checkpoint = BackfileLog(ctx.catalog.engine)
    # what a killed earlier run's processes held (they no longer run) is queued again; a live
    # worker's documents (an API replica's, a Celery worker's) are left to their leases
    requeued = requeue_dead_holders(ctx)
    if requeued:
        log.warning("%d document(s) interrupted by a previous run requeued", requeued)
    del local  # kept for callers; the leases tell a dead holder from a live one in both modes
    tally = progress.tally if progress else Tally(files)
    run = _Run(ctx, actor, source, checkpoint, runner, tally, progress)
    # documents this run queues go to its runner, through the one dispatcher intake calls
    ctx.dispatcher, before = runner, ctx.dispatcher
    try:
        for row in rows:
            run.stage(row)
        run.drain(until=0)
    finally:
        ctx.dispatcher = before
        runner.close(cancel=True)
        if progress:
            progress.close()
    written = write_report(checkpoint, source.name, report) if report else None
    return Outcome(tally, written)


class _Run:
    def __init__(
        self,
        ctx: Context,
        actor: Actor,
        source: Source,
        checkpoint: BackfileLog,
        runner: Runner,
        tally: Tally,
        progress: Progress | None,
    ) -> None:
        self.ctx = ctx
        self.actor = actor
        self.source = source
        self.checkpoint = checkpoint
        self.runner = runner
        self.tally = tally
        self.progress = progress
        self.pending: set[str] = set()
        self._dossiers: set[str] = set()  # opened in this run; reset when large (memory)

    def stage(self, row: Row) -> None:
        self.tally.seen += 1
        code = row.dossier.code
        item = self.checkpoint.item(code, row.path)
        if item is not None and item.status in ItemStatus.FINISHED:
            self.tally.skipped += 1
            return self._tick()
        given_up = item is not None and item.attempts >= self.ctx.settings.max_attempts
        if item is not None and item.status == ItemStatus.FAILED and given_up:
            self.tally.failed += 1  # failed for good earlier: stays in the report
            return self._tick()
        try:
            queued = self._intake(row, item.attempts if item else 0)
        except SohoaError as exc:
            self._failed(row, exc, item.attempts if item else 0)
            return self._tick()
        if queued is not None:
            self.pending.add(queued)
            self.drain(until=self.runner.window - 1)
        self._tick()

    def _intake(self, row: Row, attempts: int) -> str | None:
        """Store the file as a queued document (once); its id when it needs recognising."""
        settings = self.ctx.settings
        code = row.dossier.code
        data = self.source.read(row.path, settings.max_upload_bytes)
        sha = sha256_hex(data)
        doc_id = document_id(code, row.path, sha)
        self._open_dossier(row)
        dispatched = False
        try:
            document = self.ctx.catalog.get_document(doc_id)
        except NotFound:
            name = posixpath.basename(row.path)
            upload = intake.Upload(name, io.BytesIO(data), document_id=doc_id)
            # intake queues it and dispatches it (to this run's runner)
            # no verdict (nobody is at a counter) and a PNG proved whole by its checksums: the
            # worker decodes and judges every page; here is the one process feeding them all
            intake.upload_documents(
                self.ctx, self.actor, code, [upload], assess=False, decode=False
            )
            status, dispatched = DocumentStatus.QUEUED, True
        else:
            status = DocumentStatus(document.status)
            if status is DocumentStatus.FAILED and document.attempts < settings.max_attempts:
                self.ctx.catalog.set_status(doc_id, DocumentStatus.QUEUED, document.reason)
                status = DocumentStatus.QUEUED
        self.checkpoint.save(
            self.source.name,
            code,
            row.path,
            line=row.number or None,
            kind=row.kind,
            sha256=sha,
            document_id=doc_id,
            status=ItemStatus.QUEUED,
            attempts=attempts,
        )
        if status.finished:
            self._settle([doc_id])
            return None
        if not dispatched:  # queued or in hand since an earlier run: hand it out again
            self.ctx.dispatcher.recognise([doc_id])
        return doc_id

    def _open_dossier(self, row: Row) -> None:
        code = row.dossier.code
        if code in self._dossiers:
            return
        try:
            intake.create_dossier(self.ctx, self.actor, row.dossier)
        except Conflict:
            dossier_for(self.ctx, self.actor, code, Permission.UPLOAD)  # exists: still ours?
        if len(self._dossiers) > 10_000:
            self._dossiers.clear()
        self._dossiers.add(code)

    def _failed(self, row: Row, exc: SohoaError, attempts: int) -> None:
        # bad content fails the same way every time: no point retrying it on the next run
        final = isinstance(exc, InvalidInput | NotFound) or exc.http_status in (401, 403)
        attempts = self.ctx.settings.max_attempts if final else attempts + 1
        log.warning("%s: %s [%s] %s", row.path, exc.message, exc.code, exc.detail or "")
        self.checkpoint.save(
            self.source.name,
            row.dossier.code,
            row.path,
            line=row.number or None,
            kind=row.kind,
            status=ItemStatus.FAILED,
            attempts=attempts,
            error_code=exc.code,
            message=exc.message,
        )
        self.tally.failed += 1

    def drain(self, *, until: int) -> None:
        """Wait until at most `until` documents are in the runner's hands."""
        while len(self.pending) > max(0, until):
            self.runner.wait(timeout=1.0)
            self._settle(list(self.pending))
            self._tick()

    def _settle(self, ids: list[str]) -> None:
        for doc_id, status, pages, _reason in self.checkpoint.settle(ids):
            self.pending.discard(doc_id)
            self.runner.forget(doc_id)
            if status == DocumentStatus.FAILED:
                self.tally.failed += 1
            else:
                self.tally.pages += pages
                if status == DocumentStatus.NEEDS_REVIEW:
                    self.tally.needs_review += 1
                else:
                    self.tally.done += 1

    def _tick(self) -> None:
        if self.progress:
            self.progress.update()


def write_report(checkpoint: BackfileLog, source: str, path: Path) -> Path:
    """The failure report: every file of the source that failed, as CSV (file, row, code, msg)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(REPORT_COLUMNS)
        for failure in checkpoint.failures(source):
            writer.writerow([failure.path, failure.row or "", failure.error_code, failure.message])
    tmp.replace(path)
    return path
