"""Recognise a claimed document and record it; and the embedded worker pool that does so.

Every runner goes through here: the embedded pool (below), Celery tasks (`process_document`,
services/tasks.py) and the backfile's local pool. A worker claims a document under a lease
(storage/catalog/queue.py), renews it while it works (services/leases.py), and ends it with the
result or with the failure policy's verdict (services/failures.py): one rule for all of them.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from models import trace
from models.catalog import Claimed, DocumentStatus
from models.errors import Busy, StoreUnavailable
from models.recognition import DocumentResult
from ocr import pdfa
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document, warm_up
from services import reuse
from services.context import Context
from services.failures import WorkerDied, refuse_poison, settle_failure
from services.leases import LeaseKeeper, lease, new_owner, requeue_dead_holders
from services.reading import archive_metadata, disagreement_reason, metadata_of, read
from storage.catalog.papers import NewPage, Recognition
from storage.keys import document_pdf_key, page_hocr_key, page_result_key

log = logging.getLogger(__name__)

_IDLE_POLL_S = 2.0


def review_reason(result: DocumentResult, options: OcrOptions) -> str | None:
    """Why a recognised document needs a person to look at it, or None when it does not.

    A blank page (the back of a sheet) is expected and needs no one, unless every page is blank.
    """
    if result.pages and all(p.blank for p in result.pages):
        return "Tất cả các trang đều trắng"
    empty = [p.number for p in result.pages if not p.words and not p.blank]
    # a born-digital page has no OCR confidence (None): its text is the author's own
    if empty:
        return f"Không nhận dạng được chữ trên trang {', '.join(map(str, empty))}"
    low = [
        p.number
        for p in result.pages
        if p.mean_confidence is not None and p.mean_confidence < options.review_below
    ]
    if low:
        return f"Độ tin cậy nhận dạng thấp ở trang {', '.join(map(str, low))}"
    return None


def record_result(ctx: Context, claimed: Claimed, result: DocumentResult) -> DocumentStatus | None:
    """Write the outputs to the object store, then pages, status and reading to the catalog.

    Outputs (each page's words as JSON and hOCR, the searchable PDF) go under the scan they
    were read from (storage/keys.py), so a late result of a replaced scan never overwrites the
    new one's. None, and nothing recorded, when the claim is no longer this worker's (the paper
    was rescanned, or the lease taken over): the outputs written are orphans the sweep removes.
    """
    scan = claimed.sha256
    reading = read(claimed.id, result)
    page_pdfs = [page.pdf for page in result.pages if page.pdf is not None]
    if page_pdfs:
        # the agency that received the paper digitized it: its code, as the catalog knows it
        dossiers = ctx.catalog.document_dossiers(claimed.id)
        agency = dossiers[0][1] if dossiers else None
        pdf, broken = pdfa.keep(page_pdfs, archive_metadata(reading, agency=agency))
        if broken:  # rule ids only: nothing of the paper in the log
            log.warning("document %s: its PDF is not PDF/A (%s)", claimed.id, ", ".join(broken))
        ctx.store.put(document_pdf_key(claimed.id, scan), pdf, content_type="application/pdf")
    pages = []
    for page in result.pages:
        key = page_result_key(claimed.id, page.number, scan)
        ctx.store.put(key, page.model_dump_json().encode(), content_type="application/json")
        if page.hocr is not None:
            ctx.store.put(
                page_hocr_key(claimed.id, page.number, scan),
                page.hocr.encode(),
                content_type="text/html; charset=utf-8",
            )
        pages.append(
            NewPage(
                number=page.number,
                text=page.text,
                mean_confidence=page.mean_confidence,
                source=page.source,
                result_key=key,
            )
        )
    # kind and key fields with the status, in one transaction: whoever sees `done` sees them
    reason = review_reason(result, ctx.settings.ocr_options()) or disagreement_reason(reading)
    status = DocumentStatus.NEEDS_REVIEW if reason else DocumentStatus.DONE
    recorded = ctx.papers.record_recognition(
        claimed,
        Recognition(
            pages=pages,
            status=status,
            reason=reason,
            mean_confidence=result.mean_confidence,
            quality=json.dumps(
                [p.quality.model_dump(mode="json") if p.quality else None for p in result.pages],
                ensure_ascii=False,
            ),
            reading=reading.model_dump_json() if reading is not None else None,
            found=metadata_of(reading) if reading is not None else None,
        ),
    )
    if not recorded:
        log.info("document %s: result of a claim no longer held, dropped", claimed.id)
        return None
    ctx.metrics.observe_pages(page.seconds for page in result.pages)
    ctx.metrics.documents.labels(status.value).inc()
    ctx.search.index_document(claimed.id)  # searchable as soon as its status says done
    # is it a rescan of a paper we have?
    try:
        reuse.detect_near_duplicate(ctx, claimed.id)
    except Exception:  # the text is recorded: a failed comparison must not fail the paper
        log.exception("document %s: near-duplicate detection failed", claimed.id)
    return status


def recognise_claimed(
    ctx: Context, claimed: Claimed, recognise: Callable[[bytes], DocumentResult]
) -> DocumentStatus | None:
    """Recognise a held document and record it, or settle its failure by the policy.

    Returns the status recorded, or None when nothing was (the claim was lost). Raises
    StoreUnavailable when a transient failure put the document back in the queue, so that a
    runner with retries (Celery) retries it.
    """
    # logged and audited under the request that queued it, whichever runner took it
    with trace.bound(claimed.request_id or trace.current()):
        log.debug("document %s: attempt %d by %s", claimed.id, claimed.attempts, claimed.owner)
        if refuse_poison(ctx, claimed):
            return DocumentStatus.FAILED
        try:
            data = ctx.store.get(claimed.object_key)
            return record_result(ctx, claimed, recognise(data))
        except Exception as error:
            outcome = settle_failure(ctx, claimed, error)
            if outcome.retry and isinstance(error, StoreUnavailable):
                raise
            return outcome.status


def process_document(ctx: Context, document_id: str) -> DocumentStatus | None:
    """Recognise one named document end to end: claim it, recognise, record.

    What a Celery task and the backfile's local pool run. Idempotent: a document already
    finished is skipped (None); one another worker holds under a live lease is `Busy`.
    """
    owner = new_owner(ctx)
    claim = ctx.queue.claim(document_id, owner, lease(ctx))
    if claim.claimed is None:
        if claim.busy:
            raise Busy(detail={"id": document_id})
        return None
    with LeaseKeeper(ctx, owner) as keeper:
        keeper.hold(document_id)
        options = ctx.settings.ocr_options()
        return recognise_claimed(ctx, claim.claimed, lambda data: recognise_document(data, options))


class WorkerPool:
    """Recognition workers living inside the API process (the embedded default).

    Also its dispatcher (services/dispatch.py): a document committed `queued` wakes it.
    """

    def __init__(self, ctx: Context, processes: int) -> None:
        self.ctx = ctx
        self.processes = processes
        self.owner = new_owner(ctx)
        self._keeper = LeaseKeeper(ctx, self.owner)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._pool_lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if self.processes < 1:
            return
        # what this machine's dead processes held (a killed API): theirs no more. Another
        # replica's documents are left to their leases.
        requeued = requeue_dead_holders(self.ctx)
        if requeued:
            log.warning("requeued %d document(s) interrupted by a previous stop", requeued)
        self._pool = self._new_pool()
        self._keeper.start()
        for index in range(self.processes):
            thread = threading.Thread(target=self._run, name=f"sohoa-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def recognise(self, document_ids: Sequence[str]) -> None:
        """Something was queued: stop idling now rather than at the next poll."""
        if document_ids:
            self._wake.set()

    def notify(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=30)
        self._keeper.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs threads (uvicorn, SQLAlchemy) is unsafe.
        # A fresh process pays its imports, the syllable model and Tesseract's model (~1-2 s)
        # on its first page: each process pays it as it starts (the initializer runs in every
        # one: a warm-up task went to whichever process was idle, and the other stayed cold
        # for a clerk's first scan). The pool starts a process only when a task finds none
        # idle: one no-op a process starts them all now.
        pool = ProcessPoolExecutor(
            self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm_up,
            initargs=(self.ctx.settings.ocr_options().languages,),
        )
        for _ in range(self.processes):
            pool.submit(int)
        return pool

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = self.ctx.queue.claim_next(self.owner, lease(self.ctx))
            except StoreUnavailable:
                log.exception("catalog unavailable; retrying")
                self._stopping.wait(_IDLE_POLL_S)
                continue
            if claimed is None:
                self._wake.wait(_IDLE_POLL_S)
                self._wake.clear()
                continue
            self._keeper.hold(claimed.id)
            with trace.bound(claimed.request_id):
                self._settle(claimed)

    def _settle(self, claimed: Claimed) -> None:
        try:
            status = recognise_claimed(self.ctx, claimed, self._recognise)
            log.info("document %s: %s", claimed.id, status)
        except StoreUnavailable:
            log.warning("document %s: store unavailable, queued again", claimed.id)
        except Exception:  # recording a failure failed (catalog down): its lease expires
            log.exception("document %s: could not settle", claimed.id)
        finally:
            self._keeper.drop(claimed.id)

    def _recognise(self, data: bytes) -> DocumentResult:
        """Fan the document's pages out to the shared pool: a 20-page dossier uses every process.

        The pool bounds the work in flight; each worker thread waits on its own document's pages.
        """
        with self._pool_lock:
            pool = self._pool
        assert pool is not None
        try:
            return recognise_document(data, self.ctx.settings.ocr_options(), executor=pool)
        except BrokenProcessPool as exc:
            self._replace(pool)
            raise WorkerDied(str(exc)) from exc

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Replace the pool that broke, once: the other threads that saw it break find it
        replaced already, and a pool started since is never shut down under their feet (its
        documents would fail for nothing)."""
        with self._pool_lock:
            if self._pool is not broken:
                return
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
