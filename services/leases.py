"""Leases on documents in hand: who holds them (an owner id) and keeping them alive.

An owner id is `<replica>/<pid>/<random>`: the replica (`SOHOA_REPLICA_ID`, the host name by
default) and process tell a holder that is gone for sure, a process of this machine that no
longer runs, from one that may be alive elsewhere; the random part tells two holders of one
process apart. A holder renews its leases every third of `SOHOA_LEASE_SECONDS`; a dead one's
expire and their documents are claimed again by whoever asks next.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from datetime import timedelta
from pathlib import Path

from services.context import Context

log = logging.getLogger(__name__)


def new_owner(ctx: Context) -> str:
    return f"{ctx.settings.replica_id}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def lease(ctx: Context) -> timedelta:
    return timedelta(seconds=ctx.settings.lease_seconds)


def requeue_dead_holders(ctx: Context) -> int:
    """Put back the documents held by processes of this replica that no longer run (a killed
    API, a backfile's dead pool process); another replica's, or a live process's, stay."""
    prefix = f"{ctx.settings.replica_id}/"
    dead = [owner for owner in ctx.queue.holders(prefix) if not holder_alive(owner)]
    return ctx.queue.requeue(dead)


def holder_alive(owner: str) -> bool:
    try:
        pid = int(owner.split("/")[-2])
    except (IndexError, ValueError):
        return True  # not one of ours to judge: its lease will tell
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A killed process its parent has not reaped (a killed run's pool process, orphaned where
    no init reaps orphans, as in a container) still answers a signal: it is dead all the same."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux): the lease decides
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


class LeaseKeeper:
    """Renews, on a thread of its own, the leases one owner holds on the documents in hand."""

    def __init__(self, ctx: Context, owner: str) -> None:
        self.ctx = ctx
        self.owner = owner
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, document_id: str) -> None:
        with self._lock:
            self._held.add(document_id)

    def drop(self, document_id: str) -> None:
        with self._lock:
            self._held.discard(document_id)

    def start(self) -> LeaseKeeper:
        self._thread = threading.Thread(target=self._run, name="sohoa-leases", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        every = max(0.5, self.ctx.settings.lease_seconds / 3)
        while not self._stop.wait(every):
            with self._lock:
                held = set(self._held)
            try:
                self.ctx.queue.renew(self.owner, held, lease(self.ctx))
            except Exception:  # the catalog is down: try again next time, the lease may hold
                log.exception("could not renew leases of %s", self.owner)

    def __enter__(self) -> LeaseKeeper:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
