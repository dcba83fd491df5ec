"""The Celery task: recognise one document by id, through `process_document` like every runner.

Safe to run twice (claimed by compare-and-set in the catalog) and safe to lose a worker (late
acknowledgement). A document another worker holds is retried later, not dropped: if that
worker died, its lease expires (`SOHOA_LEASE_SECONDS`) and the retry takes it over.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from models import trace
from models.errors import Busy, StoreUnavailable
from services.context import Context
from services.processing import process_document
from services.settings import Settings

log = logging.getLogger(__name__)

TASK = "sohoa.process_document"

_contexts: dict[int, Context] = {}


def _context(settings: Settings) -> Context:
    """One catalog and store per worker process (prefork children must not share a pool)."""
    pid = os.getpid()
    if pid not in _contexts:
        _contexts.clear()
        _contexts[pid] = Context.open(settings)
    return _contexts[pid]


def busy_countdown(settings: Settings) -> int:
    """Seconds before a task whose document another worker holds asks again.

    When the holder's lease could have expired, but never longer than half the broker's
    visibility timeout: on Redis a task waiting for its countdown is unacknowledged, and one held
    past the visibility timeout is delivered again to another worker, which holds it and is
    redelivered in turn: with a lease of 120 s and a visibility of 8 s, one busy document became
    a dozen copies of its task circulating for two minutes (tests/services/test_celery_workers.py).
    Asking early costs one claim that finds the document still busy.
    """
    return max(1, min(settings.lease_seconds, settings.queue_visibility_timeout // 2))


def run(settings: Settings, task: Any, document_id: str) -> str | None:
    # the id of the upload's request travels in the task's headers (services/queue.py)
    request_id = getattr(task.request, "request_id", None)
    try:
        with trace.bound(request_id if isinstance(request_id, str) else None):
            status = process_document(_context(settings), document_id)
            log.info("document %s: %s", document_id, status or "already finished")
    except Busy as exc:
        # check back once the holder's lease could have expired (it renews it while alive)
        raise task.retry(countdown=busy_countdown(settings)) from exc
    except StoreUnavailable as exc:
        raise task.retry(countdown=10, max_retries=settings.max_attempts) from exc
    return str(status) if status else None


def register(app: Any, settings: Settings) -> None:
    def process(task: Any, document_id: str) -> str | None:
        return run(settings, task, document_id)

    app.task(name=TASK, bind=True, max_retries=None)(process)
