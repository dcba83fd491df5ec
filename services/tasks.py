"""The Celery task: recognise one document by id, through `process_document` like every runner.

Safe to run twice (claimed by compare-and-set in the catalog) and safe to lose a worker (late
acknowledgement). A document another worker holds is retried later, not dropped: if that
worker died, its claim goes stale after the visibility timeout and the retry takes it over.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

from models.errors import Busy, StoreUnavailable
from services.context import Context
from services.processing import process_document
from services.settings import Settings

log = logging.getLogger(__name__)

_contexts: dict[int, Context] = {}


def _context(settings: Settings) -> Context:
    """One catalog and store per worker process (prefork children must not share a pool)."""
    pid = os.getpid()
    if pid not in _contexts:
        _contexts.clear()
        _contexts[pid] = Context.open(settings)
    return _contexts[pid]


def run(settings: Settings, task: Any, document_id: str) -> str | None:
    lease = timedelta(seconds=settings.queue_visibility_timeout)
    try:
        status = process_document(_context(settings), document_id, stale_after=lease)
    except Busy as exc:
        # check back once the holder's claim could have gone stale
        raise task.retry(countdown=max(1, settings.queue_visibility_timeout // 4)) from exc
    except StoreUnavailable as exc:
        raise task.retry(countdown=10, max_retries=settings.max_attempts) from exc
    log.info("document %s: %s", document_id, status or "already finished")
    return str(status) if status else None


def register(app: Any, settings: Settings) -> None:
    from services.queue import TASK

    def process(task: Any, document_id: str) -> str | None:
        return run(settings, task, document_id)

    app.task(name=TASK, bind=True, max_retries=None)(process)
