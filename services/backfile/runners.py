"""Where a backfile's documents are recognised: the local process pool, or Celery workers.

Both take document ids and call the same `process_document`; the backfile only asks which of
the ids it handed out have finished, so it never holds more than a window of them.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from models.catalog import DocumentStatus
from models.errors import Busy
from services.context import Context
from services.leases import requeue_dead_holders
from services.processing import process_document
from services.settings import Settings

log = logging.getLogger(__name__)


class Runner(Protocol):
    """A backfile's dispatcher (services/dispatch.py), and what the run waits on."""

    window: int
    """How many documents may be handed out and unfinished at once (bounded memory)."""

    def recognise(self, document_ids: Sequence[str]) -> None: ...
    def forget(self, document_id: str) -> None:
        """The document is finished: stop tracking it."""
        ...

    def wait(self, timeout: float) -> None:
        """Return when some handed-out document may have finished, or after `timeout`."""
        ...

    def close(self, *, cancel: bool) -> None: ...


_worker_context: Context | None = None


def _start_worker(settings: Settings) -> None:
    global _worker_context
    _worker_context = Context.open(settings)


def _process(document_id: str) -> str | None:
    assert _worker_context is not None
    status = process_document(_worker_context, document_id)
    return str(status) if status else None


class LocalPool:
    """A pool of `workers` processes on this machine (one Tesseract thread each)."""

    def __init__(self, ctx: Context, workers: int) -> None:
        self.ctx = ctx
        self.workers = max(1, workers)
        # two per process: the next document is ready when a process frees up
        self.window = 2 * self.workers
        self._futures: dict[Future[str | None], str] = {}
        # another holder's documents, by when its lease could have run out: the holder may be
        # alive (an API's pool on this catalog) or only look alive (a killed run's process not
        # yet reaped, its pid taken again); a claim then decides, and the run never waits forever
        self._busy: dict[str, float] = {}
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.ctx.settings,),
        )

    def recognise(self, document_ids: Sequence[str]) -> None:
        for document_id in document_ids:
            self._futures[self._pool.submit(_process, document_id)] = document_id

    def forget(self, document_id: str) -> None:
        self._busy.pop(document_id, None)  # its future was dropped when it completed

    def wait(self, timeout: float) -> None:
        self._claim_again()
        if not self._futures:
            # what is pending is in another worker's hands (see Busy below): poll the catalog
            time.sleep(min(timeout, 0.5))
            return
        done, _ = wait(list(self._futures), timeout=timeout, return_when=FIRST_COMPLETED)
        broken = False
        again: list[str] = []
        for future in done:
            document_id = self._futures.pop(future)
            error = future.exception()
            if error is None:
                continue
            if isinstance(error, Busy):
                # another worker (an API's pool on this catalog) is recognising it: asked
                # again once its lease could have run out, unless it has finished by then
                self._busy[document_id] = time.monotonic() + self.ctx.settings.lease_seconds
                continue
            # the process died (killed, out of memory) or a bug: the catalog still says
            # `processing`; put it back while attempts remain, the backfile resubmits it
            log.warning("document %s: worker failed: %r", document_id, error)
            broken = broken or isinstance(error, BrokenProcessPool)
            again.append(document_id)
        if broken:
            # a broken pool has ended its processes: wait for them, so that what they held is
            # seen as held by the dead
            self._pool.shutdown(wait=True, cancel_futures=True)
            again.extend(self._futures.values())
            self._futures.clear()
            self._pool = self._new_pool()
        if again:
            # what the dead processes held goes back to the queue; the next claim counts the
            # attempt and the failure policy fails a document that killed every one of them
            requeue_dead_holders(self.ctx)
        for document_id in again:
            if self.ctx.catalog.get_document(document_id).status == DocumentStatus.QUEUED:
                self.recognise([document_id])

    def _claim_again(self) -> None:
        """Hand out again the busy documents whose holder's lease could have run out: a live
        holder renews it and the claim says Busy again; a dead one's is taken over. (Before,
        a document a killed run's unreaped process seemed to hold was waited on forever.)"""
        now = time.monotonic()
        for document_id, due in list(self._busy.items()):
            if due <= now:
                del self._busy[document_id]
                if not DocumentStatus(self.ctx.catalog.get_document(document_id).status).finished:
                    self.recognise([document_id])

    def close(self, *, cancel: bool) -> None:
        self._pool.shutdown(wait=not cancel, cancel_futures=cancel)


class CeleryQueue:
    """Celery workers, possibly on other machines; finished documents are seen in the catalog."""

    def __init__(self, settings: Settings, window: int = 200, poll: float = 0.5) -> None:
        from services.queue import Enqueuer

        self._enqueuer = Enqueuer(settings)
        self.window = window
        self._poll = poll
        # a message can be lost with the broker (Redis restarted without persistence): what is
        # still unfinished long after the visibility timeout is sent again (a duplicate is a no-op)
        self._resend_after = 2.0 * settings.queue_visibility_timeout
        self._sent: dict[str, float] = {}

    def recognise(self, document_ids: Sequence[str]) -> None:
        for document_id in document_ids:
            self._enqueuer.enqueue(document_id)
            self._sent[document_id] = time.monotonic()

    def forget(self, document_id: str) -> None:
        self._sent.pop(document_id, None)

    def wait(self, timeout: float) -> None:
        time.sleep(min(timeout, self._poll))
        now = time.monotonic()
        for document_id, sent in list(self._sent.items()):
            if now - sent > self._resend_after:
                log.warning(
                    "document %s: not finished long after it was sent; resending", document_id
                )
                self.recognise([document_id])

    def close(self, *, cancel: bool) -> None:
        # tasks already sent stay with the broker: the workers finish them without us
        self._enqueuer.close()
