"""Recognise this document: the one place that sends documents to whatever recognises them.

Intake (uploads, rescans) and the backfile call `ctx.dispatcher.recognise(ids)` once the
documents are committed `queued`; which runner it reaches is the process's configuration,
never the caller's choice: the embedded worker pool (woken at once), Celery workers
(`SOHOA_QUEUE_URL`: the ids are sent to the broker), a backfile's own runner, or nothing in
this process (`Waiting`: the documents stay queued in the catalog, where every embedded worker
of every replica looks for them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Dispatcher(Protocol):
    def recognise(self, document_ids: Sequence[str]) -> None:
        """The documents are committed `queued`: have them recognised. Never raises for a
        runner that cannot be reached: the catalog keeps them queued for a later try."""
        ...


class Waiting:
    """No runner in this process (the CLI, an API with `SOHOA_WORKERS=0` and no queue)."""

    def recognise(self, document_ids: Sequence[str]) -> None:
        del document_ids
