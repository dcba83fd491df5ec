"""The request id: one short token that follows a piece of work from the HTTP request that
started it to the worker that recognised it and into its audit rows and log lines.

A context variable, so each request, task and worker thread has its own; it is set by the
API's first layer (api/metering.py), carried to Celery in the task's headers and in the
document's row for the in-process workers, and read where rows and log lines are written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"
# What a caller may send: a UUID, a proxy's hex or base64url token. Anything else (too long,
# spaces, another alphabet) is replaced: a client's header never writes free text into logs.
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")

_current: ContextVar[str | None] = ContextVar("sohoa_request_id", default=None)


def current() -> str | None:
    """The request id of the work running here, or None outside any request or task."""
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def accepted(given: str | None) -> str:
    """The caller's id when it is a plain token, else a new one."""
    if given is not None and _ACCEPTED.fullmatch(given):
        return given
    return new_id()


@contextmanager
def bound(request_id: str | None) -> Iterator[str | None]:
    """Run the block under `request_id` (None: under none), restoring the previous one."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)
