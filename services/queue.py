"""The Celery side of the work: one app built from the settings, and `enqueue` for producers.

Celery is imported only when `SOHOA_QUEUE_URL` is set, so the embedded default never needs it.
The result of a task is the document's row in the catalog; Celery's own result store is off.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from models import trace
from services import tasks
from services.context import Context
from services.settings import Settings
from services.tasks import TASK

log = logging.getLogger(__name__)


def celery_app(settings: Settings) -> Any:
    """The Celery app for `settings.queue_url` (Redis or RabbitMQ), with sohoa's task on it."""
    from celery import Celery

    if not settings.queue_url:
        raise ValueError("SOHOA_QUEUE_URL is not set")
    app = Celery("sohoa", broker=settings.queue_url, set_as_current=False)
    app.conf.update(
        # a task is acknowledged when it ends, not when it starts: a worker killed mid-task
        # leaves its message unacknowledged and the broker hands it to another worker
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # one task at a time per worker process: a killed worker holds no other message hostage
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue_name,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # Redis: an unacknowledged message comes back after this; RabbitMQ redelivers when the
        # connection drops, and its consumer timeout must exceed the slowest document
        broker_transport_options=_transport_options(settings.queue_visibility_timeout),
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    tasks.register(app, settings)
    return app


def _transport_options(visibility_timeout: int) -> dict[str, int]:
    """Redis: look for abandoned messages about ten times per visibility timeout.

    kombu sweeps every `interval × throttle` seconds (10 × 10 by default): with a short timeout
    a killed worker's task would otherwise wait a hundred seconds to be seen.
    """
    interval = max(1, min(10, visibility_timeout // 10))
    throttle = max(1, min(10, visibility_timeout // (10 * interval)))
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": interval,
        "unacked_restore_throttle": throttle,
    }


class Enqueuer:
    """Sends document ids to the workers; one broker connection pool per process. The
    dispatcher (services/dispatch.py) of every process with `SOHOA_QUEUE_URL`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._app = celery_app(settings)

    def recognise(self, document_ids: Sequence[str]) -> None:
        for document_id in dict.fromkeys(document_ids):
            self.enqueue(document_id)

    def enqueue(self, document_id: str) -> bool:
        """Send the id; False when the broker cannot be reached (the document stays `queued`).

        The caller has already stored and committed the document: failing its request now
        would make the client send it again. `resend_stale` sends it later.
        """
        try:
            self._app.send_task(
                TASK,
                args=[document_id],
                queue=self.settings.queue_name,
                headers={"request_id": trace.current()},
            )
        except Exception:  # kombu's connection errors vary by transport
            log.exception("document %s: could not reach the broker; it stays queued", document_id)
            return False
        return True

    def resend_stale(self, ctx: Context, limit: int = 10_000) -> int:
        """Send again documents `queued` for longer than the visibility timeout.

        Their message was lost (broker down at upload, broker restarted without its data), or
        they wait behind a long backlog: then the duplicate is a no-op (the claim fails).
        """
        cutoff = datetime.now(UTC) - timedelta(seconds=self.settings.queue_visibility_timeout)
        ids = ctx.queue.queued_before(cutoff, limit)
        return sum(self.enqueue(document_id) for document_id in ids)

    def close(self) -> None:
        self._app.close()
