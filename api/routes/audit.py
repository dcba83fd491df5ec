"""The audit log for auditors: JSON pages and a CSV export. Reading it is itself audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.audit import AuditFilter
from models.auth import AuditAction
from models.schemas import AuditEventsPublic
from services import audit

router = APIRouter(prefix="/audit", tags=["audit"], responses=ERRORS)

MAX_OFFSET = 2**31 - 1
"""Past a 32-bit offset SQLite and PostgreSQL refuse the number (2**63 was a 500); the export
streams any length of log."""


def _filter(
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
    actor: str | None = None,
    action: AuditAction | None = None,
    object_id: str | None = None,
) -> AuditFilter:
    return AuditFilter(since=since, until=until, actor=actor, action=action, object_id=object_id)


FilterDep = Annotated[AuditFilter, Depends(_filter)]


@router.get("")
def list_events(
    ctx: ContextDep,
    who: ActorDep,
    where: FilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> AuditEventsPublic:
    return audit.events(ctx, who, where, limit=limit, offset=offset)


@router.get("/export.csv", response_class=StreamingResponse)
def export_csv(ctx: ContextDep, who: ActorDep, where: FilterDep) -> StreamingResponse:
    lines: Iterator[str] = audit.csv_lines(ctx, who, where)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="sohoa-audit.csv"'},
    )
