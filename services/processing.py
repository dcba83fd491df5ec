"""The embedded worker pool: claim queued documents from the catalog, recognise, record results.

Recognition runs in a pool of processes (one Tesseract thread each); a thread per process slot
feeds it. The catalog is the queue, so a document survives any crash of this process: at the
next start `requeue_interrupted` returns what was in flight. A document that breaks its worker
process (e.g. killed for memory) is retried up to `max_attempts` times, then failed.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta

from models.catalog import DocumentStatus
from models.errors import Busy, SohoaError, StoreUnavailable
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.outputs import document_pdf, public_hocr
from ocr.pipeline import recognise_document, warm_up
from services import reuse
from services.context import Context
from services.reading import record_reading
from storage.catalog.repository import NewPage
from storage.catalog.tables import DocumentRow
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


def record_result(
    ctx: Context, document: DocumentRow, result: DocumentResult
) -> DocumentStatus | None:
    """Write the outputs to the object store, then the pages and status to the catalog.

    Outputs: each page's words (JSON) and hOCR, and the document's searchable PDF. None when
    the paper was rescanned while this scan was recognised: the result is dropped (the new scan
    is queued already).
    """
    if ctx.catalog.get_document(document.id).sha256 != document.sha256:
        return None
    page_pdfs = [page.pdf for page in result.pages if page.pdf is not None]
    if page_pdfs:
        ctx.store.put(
            document_pdf_key(document.id), document_pdf(page_pdfs), content_type="application/pdf"
        )
    pages = []
    for recognised in result.pages:
        hocr = public_hocr(recognised.hocr, recognised.number) if recognised.hocr else None
        page = recognised.model_copy(update={"hocr": hocr})
        key = page_result_key(document.id, page.number)
        ctx.store.put(key, page.model_dump_json().encode(), content_type="application/json")
        if page.hocr is not None:
            ctx.store.put(
                page_hocr_key(document.id, page.number),
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
    reason = review_reason(result, ctx.settings.ocr_options())
    status = DocumentStatus.NEEDS_REVIEW if reason else DocumentStatus.DONE
    recorded = ctx.catalog.finish(
        document.id,
        scan_sha256=document.sha256,
        pages=pages,
        status=status,
        reason=reason,
        mean_confidence=result.mean_confidence,
        quality=json.dumps(
            [p.quality.model_dump(mode="json") if p.quality else None for p in result.pages],
            ensure_ascii=False,
        ),
    )
    if not recorded:
        return None
    # kind and key fields first: the index and the rescan check both read them
    record_reading(ctx, document.id, result)
    ctx.search.index_document(document.id)  # searchable as soon as its status says done
    # is it a rescan of a paper we have?
    try:
        reuse.detect_near_duplicate(ctx, document.id)
    except Exception:  # the text is recorded: a failed comparison must not fail the paper
        log.exception("document %s: near-duplicate detection failed", document.id)
    return status


def process_document(
    ctx: Context, document_id: str, *, stale_after: timedelta | None = None
) -> DocumentStatus | None:
    """Recognise one document end to end: claim it, read its original, recognise, record.

    The one use case every runner calls (the backfile's local pool, Celery tasks). Idempotent:
    a document already finished is skipped (None); one another worker holds is `Busy`.
    A transient failure (store down) puts the document back in the queue while attempts
    remain and raises `StoreUnavailable` for the runner to retry; bad content fails it for good.
    """
    claim = ctx.catalog.claim(document_id, stale_after=stale_after)
    document = claim.document
    if document is None:
        if claim.busy:
            raise Busy(detail={"id": document_id})
        return None
    if document.attempts > ctx.settings.max_attempts:
        # claimed back from workers that died on it every time: it is what kills them
        reason = "Tiến trình nhận dạng bị dừng đột ngột nhiều lần"
        ctx.catalog.set_status(document.id, DocumentStatus.FAILED, reason)
        return DocumentStatus.FAILED
    try:
        data = ctx.store.get(document.object_key)
        result = recognise_document(data, ctx.settings.ocr_options())
        return record_result(ctx, document, result)
    except StoreUnavailable:
        give_up = document.attempts >= ctx.settings.max_attempts
        status = DocumentStatus.FAILED if give_up else DocumentStatus.QUEUED
        ctx.catalog.set_status(
            document.id, status, "Kho lưu trữ không truy cập được", scan_sha256=document.sha256
        )
        raise
    except SohoaError as exc:
        log.warning("document %s failed: %s (%s)", document.id, exc.code, exc.detail)
        ctx.catalog.set_status(
            document.id, DocumentStatus.FAILED, exc.message, scan_sha256=document.sha256
        )
        return DocumentStatus.FAILED
    except Exception:  # a bug fails one document (a backfile rerun retries it), never sticks
        log.exception("document %s: unexpected error", document.id)
        ctx.catalog.set_status(
            document.id,
            DocumentStatus.FAILED,
            "Lỗi hệ thống khi nhận dạng",
            scan_sha256=document.sha256,
        )
        return DocumentStatus.FAILED


class WorkerPool:
    """Recognition workers living inside the API process (the embedded default)."""

    def __init__(self, ctx: Context, processes: int) -> None:
        self.ctx = ctx
        self.processes = processes
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._pool_lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        if self.processes < 1:
            return
        requeued = self.ctx.catalog.requeue_interrupted()
        if requeued:
            log.warning("requeued %d document(s) interrupted by a previous stop", requeued)
        self._pool = self._new_pool()
        for index in range(self.processes):
            thread = threading.Thread(target=self._run, name=f"sohoa-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def notify(self) -> None:
        """Something was queued: stop idling now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=30)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: forking a process that runs threads (uvicorn, SQLAlchemy) is unsafe.
        pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
        # The pool starts a process only when a task finds none idle, and a fresh process pays
        # its imports and the syllable model (~1-2 s) on its first page: pay it now, for every
        # process, rather than on the first clerk's scan.
        for _ in range(self.processes):
            pool.submit(warm_up)
        return pool

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                document = self.ctx.catalog.claim_next()
            except StoreUnavailable:
                log.exception("catalog unavailable; retrying")
                self._stopping.wait(_IDLE_POLL_S)
                continue
            if document is None:
                self._wake.wait(_IDLE_POLL_S)
                self._wake.clear()
                continue
            self._process(document)

    def _process(self, document: DocumentRow) -> None:
        ctx = self.ctx
        try:
            data = ctx.store.get(document.object_key)
            result = self._recognise(data)
            status = record_result(ctx, document, result)
            log.info("document %s: %s", document.id, status)
        except BrokenProcessPool:
            self._replace_pool()
            self._retry_or_fail(document, "Tiến trình nhận dạng bị dừng đột ngột")
        except StoreUnavailable:
            log.exception("document %s: store unavailable, will retry", document.id)
            self._retry_or_fail(document, "Kho lưu trữ không truy cập được")
        except SohoaError as exc:
            log.warning("document %s failed: %s (%s)", document.id, exc.code, exc.detail)
            self.ctx.catalog.set_status(
                document.id, DocumentStatus.FAILED, exc.message, scan_sha256=document.sha256
            )
        except Exception:  # a bug must fail one document, not kill the worker thread
            log.exception("document %s: unexpected error", document.id)
            self.ctx.catalog.set_status(
                document.id,
                DocumentStatus.FAILED,
                "Lỗi hệ thống khi nhận dạng",
                scan_sha256=document.sha256,
            )

    def _recognise(self, data: bytes) -> DocumentResult:
        """Fan the document's pages out to the shared pool: a 20-page dossier uses every process.

        The pool bounds the work in flight; each worker thread waits on its own document's pages.
        """
        with self._pool_lock:
            pool = self._pool
        assert pool is not None
        return recognise_document(data, self.ctx.settings.ocr_options(), executor=pool)

    def _replace_pool(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()

    def _retry_or_fail(self, document: DocumentRow, reason: str) -> None:
        status = (
            DocumentStatus.FAILED
            if document.attempts >= self.ctx.settings.max_attempts
            else DocumentStatus.QUEUED
        )
        self.ctx.catalog.set_status(document.id, status, reason, scan_sha256=document.sha256)
