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


def run(settings: Settings, task: Any, document_id: str) -> str | None:
    # the id of the upload's request travels in the task's headers (services/queue.py)
    request_id = getattr(task.request, "request_id", None)
    try:
        with trace.bound(request_id if isinstance(request_id, str) else None):
            status = process_document(_context(settings), document_id)
            log.info("document %s: %s", document_id, status or "already finished")
    except Busy as exc:
        # check back once the holder's lease could have expired (it renews it while alive)
        raise task.retry(countdown=settings.lease_seconds) from exc
    except StoreUnavailable as exc:
        raise task.retry(countdown=10, max_retries=settings.max_attempts) from exc
    return str(status) if status else None


def register(app: Any, settings: Settings) -> None:
    def process(task: Any, document_id: str) -> str | None:
        return run(settings, task, document_id)

    app.task(name=TASK, bind=True, max_retries=None)(process)
