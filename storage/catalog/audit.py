"""The audit log: who read, downloaded, changed, linked or deleted what, when, from where.

Rows are only ever inserted; the database refuses UPDATE and DELETE on the table (migration
0002c), so the log cannot be quietly edited through sohoa or by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from models.audit import AuditEvent, AuditFilter
from models.auth import Actor, AuditAction
from models.schemas import AuditEventPublic
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.tables import AuditRow


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def record(
        self,
        actor: Actor | None,
        action: AuditAction,
        *,
        object_type: str,
        object_id: str | None = None,
        dossier_code: str | None = None,
        outcome: str = "allowed",
        detail: str | None = None,
        actor_name: str | None = None,
    ) -> None:
        event = AuditEvent(
            actor, action, object_type, object_id, dossier_code, outcome, detail, actor_name
        )
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, [event])

    def count(self, where: AuditFilter) -> int:
        query = _filtered(select(func.count()).select_from(AuditRow), where)
        with unavailable_as_ours(), self._sessions() as session:
            return int(session.scalar(query) or 0)

    def events(self, where: AuditFilter, *, limit: int, offset: int) -> list[AuditEventPublic]:
        query = _filtered(select(AuditRow), where).order_by(AuditRow.id).limit(limit).offset(offset)
        with unavailable_as_ours(), self._sessions() as session:
            return [_event(row) for row in session.scalars(query)]

    def stream(self, where: AuditFilter, *, batch: int = 1000) -> Iterator[AuditEventPublic]:
        """Every matching event in order, a batch at a time (CSV export of any size)."""
        last = 0
        while True:
            query = _filtered(select(AuditRow), where).where(AuditRow.id > last)
            with unavailable_as_ours(), self._sessions() as session:
                rows = [
                    _event(r) for r in session.scalars(query.order_by(AuditRow.id).limit(batch))
                ]
            if not rows:
                return
            yield from rows
            last = rows[-1].id


_Query = TypeVar("_Query", bound=Select[Any])


def _filtered(query: _Query, where: AuditFilter) -> _Query:
    if where.since is not None:
        query = query.where(AuditRow.at >= where.since)
    if where.until is not None:
        query = query.where(AuditRow.at < where.until)
    if where.actor is not None:
        query = query.where(AuditRow.actor == where.actor)
    if where.action is not None:
        query = query.where(AuditRow.action == where.action)
    if where.object_id is not None:
        query = query.where(AuditRow.object_id == where.object_id)
    return query


def add_events(session: Session, events: Iterable[AuditEvent]) -> None:
    """Add audit rows to the session of the change they record (committed with it)."""
    for event in events:
        principal = event.actor.principal if event.actor else None
        session.add(
            AuditRow(
                actor_id=principal.user_id if principal else None,
                actor=principal.username if principal else (event.actor_name or "-"),
                role=principal.role if principal else None,
                agency_code=principal.agency_code if principal else None,
                origin=event.actor.origin if event.actor else None,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                dossier_code=event.dossier_code,
                outcome=event.outcome,
                detail=event.detail,
            )
        )


def _event(row: AuditRow) -> AuditEventPublic:
    return AuditEventPublic.model_validate(row, from_attributes=True)
