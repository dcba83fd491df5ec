"""The work queue: documents waiting for recognition, and the leases of the workers holding them.

The documents table doubles as the durable queue: a document is `queued` until a worker claims
it (`processing`, with `lease_owner` and `lease_until`); the holder renews its lease while it
works and releases it with the outcome. A holder that dies stops renewing: once its lease has
expired, any worker may claim the document again (one more attempt). A live holder's document
is never taken from it, whichever replica restarts. Nothing here decides what a failure means:
that is the failure policy's (services/failures.py); this module only moves rows, each move a
compare-and-set so that two workers never both win.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from models.catalog import Backlog, Claimed, DocumentStatus, JobState
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.settling import settle_dossiers, update_job
from storage.catalog.tables import BackfileItemRow, DocumentRow, JobRow, utcnow


@dataclass(frozen=True)
class Claim:
    claimed: Claimed | None
    """The document, now held; None when it is finished, or `busy` (held under a live lease)."""
    busy: bool


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        DocumentRow.status == DocumentStatus.QUEUED,
        and_(
            DocumentRow.status == DocumentStatus.PROCESSING,
            or_(DocumentRow.lease_until.is_(None), DocumentRow.lease_until < now),
        ),
    )


class WorkQueue:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    def claim_next(self, owner: str, lease: timedelta) -> Claimed | None:
        """Hold the oldest claimable document (queued, or whose holder's lease expired)."""
        with unavailable_as_ours(), self._sessions() as session:
            while True:
                now = utcnow()
                # PostgreSQL: lock the row and skip rows other workers hold, so racing workers
                # take different documents instead of all contending for the oldest one.
                # SQLite ignores FOR UPDATE; there the compare-and-set below alone decides.
                candidate = session.scalar(
                    select(DocumentRow.id)
                    .where(_claimable(now))
                    .order_by(DocumentRow.created_at, DocumentRow.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if candidate is None:
                    session.commit()
                    return None
                claimed = _claim(session, candidate, owner, now, lease)
                if claimed is not None:
                    return claimed

    def claim(self, document_id: str, owner: str, lease: timedelta) -> Claim:
        """Hold one named document (a task that names it): compare-and-set, like `claim_next`."""
        with unavailable_as_ours(), self._sessions() as session:
            claimed = _claim(session, document_id, owner, utcnow(), lease)
            if claimed is not None:
                return Claim(claimed, busy=False)
            status = session.scalar(select(DocumentRow.status).where(DocumentRow.id == document_id))
        return Claim(None, busy=status == DocumentStatus.PROCESSING)

    def renew(self, owner: str, document_ids: Collection[str], lease: timedelta) -> set[str]:
        """Extend the leases `owner` still holds on these documents; return those it holds."""
        if not document_ids:
            return set()
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            held = set(
                session.scalars(
                    update(DocumentRow)
                    .where(
                        DocumentRow.id.in_(list(document_ids)),
                        DocumentRow.status == DocumentStatus.PROCESSING,
                        DocumentRow.lease_owner == owner,
                    )
                    .values(lease_until=utcnow() + lease)
                    .returning(DocumentRow.id)
                )
            )
        return held

    def release(self, claimed: Claimed, status: DocumentStatus, reason: str | None) -> bool:
        """End the claim with `status` (queued again, or failed); False, and nothing written,
        when the claim is no longer this holder's (taken over, or the paper rescanned)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            changed = session.execute(
                update(DocumentRow)
                .where(*held_by(claimed))
                .values(
                    status=status,
                    reason=reason,
                    lease_owner=None,
                    lease_until=None,
                    updated_at=utcnow(),
                )
            )
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                return False
            state = JobState.for_document(status)
            update_job(
                session,
                claimed.id,
                state=state,
                error=reason,
                finished_at=utcnow() if state in (JobState.DONE, JobState.FAILED) else None,
            )
            settle_dossiers(session, claimed.id)
            return True

    def holders(self, prefix: str) -> list[str]:
        """The lease owners starting with `prefix` that hold documents now."""
        with unavailable_as_ours(), self._sessions() as session:
            return list(
                session.scalars(
                    select(DocumentRow.lease_owner)
                    .where(
                        DocumentRow.status == DocumentStatus.PROCESSING,
                        DocumentRow.lease_owner.startswith(prefix, autoescape=True),
                    )
                    .distinct()
                )
            )

    def requeue(self, owners: Sequence[str]) -> int:
        """Put back what these holders held (they are known dead); return how many documents.

        Only for holders known to be gone (a process of this machine that no longer runs):
        another replica's documents are never taken this way, only once their lease expires.
        """
        if not owners:
            return 0
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            ids = list(
                session.scalars(
                    update(DocumentRow)
                    .where(
                        DocumentRow.status == DocumentStatus.PROCESSING,
                        DocumentRow.lease_owner.in_(list(owners)),
                    )
                    .values(
                        status=DocumentStatus.QUEUED,
                        lease_owner=None,
                        lease_until=None,
                        updated_at=utcnow(),
                    )
                    .returning(DocumentRow.id)
                )
            )
            for document_id in ids:
                update_job(session, document_id, state=JobState.QUEUED)
            return len(ids)

    def backlog(self) -> Backlog:
        """The queue's depth, its oldest waiting document and the backfiles' files by status.

        Asked at every metrics scrape, in one statement (one round trip to PostgreSQL): each
        part is answered from an index (status; status and updated_at; the backfile items'
        status), never by reading the documents.
        """
        waiting = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
        moment = DocumentRow.updated_at.type  # the union's column types are its first part's
        depth = (
            select(_part("depth"), DocumentRow.status, func.count(), cast(null(), moment))
            .where(DocumentRow.status.in_(waiting))
            .group_by(DocumentRow.status)
        )
        oldest = select(_part("oldest"), null(), null(), func.min(DocumentRow.updated_at)).where(
            DocumentRow.status == DocumentStatus.QUEUED
        )
        files = select(_part("backfile"), BackfileItemRow.status, func.count(), null()).group_by(
            BackfileItemRow.status
        )
        with unavailable_as_ours(), self.engine.connect() as connection:
            rows: list[Any] = list(connection.execute(union_all(depth, oldest, files)))
        counts = {status: int(n) for part, status, n, _ in rows if part == "depth"}
        since = next((moment for part, _, _, moment in rows if part == "oldest"), None)
        return Backlog(
            depth={status.value: counts.get(status.value, 0) for status in waiting},
            oldest_queued=_aware(since),
            backfile={status: int(n) for part, status, n, _ in rows if part == "backfile"},
        )

    def queued_before(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of documents waiting in `queued` since before `cutoff`, oldest first."""
        with unavailable_as_ours(), self._sessions() as session:
            return list(
                session.scalars(
                    select(DocumentRow.id)
                    .where(
                        DocumentRow.status == DocumentStatus.QUEUED,
                        DocumentRow.updated_at < cutoff,
                    )
                    .order_by(DocumentRow.updated_at)
                    .limit(limit)
                )
            )


def held_by(claimed: Claimed) -> tuple[ColumnElement[bool], ...]:
    """The row is still this claim's: same holder, same scan (a rescan resets the claim)."""
    return (
        DocumentRow.id == claimed.id,
        DocumentRow.status == DocumentStatus.PROCESSING,
        DocumentRow.lease_owner == claimed.owner,
        DocumentRow.sha256 == claimed.sha256,
    )


def _claim(
    session: Session, document_id: str, owner: str, now: datetime, lease: timedelta
) -> Claimed | None:
    """Compare-and-set: of two workers racing for one row, exactly one updates it."""
    row = session.execute(
        update(DocumentRow)
        .where(DocumentRow.id == document_id, _claimable(now))
        .values(
            status=DocumentStatus.PROCESSING,
            attempts=DocumentRow.attempts + 1,
            lease_owner=owner,
            lease_until=now + lease,
            updated_at=now,
        )
        .returning(
            DocumentRow.sha256, DocumentRow.object_key, DocumentRow.attempts, DocumentRow.request_id
        )
    ).first()
    if row is not None:
        update_job(
            session,
            document_id,
            state=JobState.RUNNING,
            attempts=JobRow.attempts + 1,
            started_at=now,
        )
    session.commit()
    if row is None:
        return None
    sha256, object_key, attempts, request_id = row
    return Claimed(document_id, sha256, object_key, int(attempts), owner, request_id)


def _part(name: str) -> ColumnElement[str]:
    """A constant naming which part of a union a row comes from (SQL text, not a parameter:
    PostgreSQL cannot type an untyped parameter in a union)."""
    return literal_column(f"'{name}'")


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored one is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
