"""Reports: the Decision 766 indicators over a period, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.schemas import DigitizationReport
from services import reports

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERRORS)


@router.get(
    "/digitization",
    response_model=DigitizationReport,
    responses={200: {"content": {"text/csv": {}}}},
)
def digitization(
    ctx: ContextDep,
    actor: ActorDep,
    start: Annotated[date, Query(alias="from", description="first receipt date counted")],
    end: Annotated[date, Query(alias="to", description="last receipt date counted")],
    agency: Annotated[
        str | None, Query(description="agency code; default yours, or all for admin/auditor")
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> DigitizationReport | Response:
    """Dossiers received in the period, and how many are digitized, have an electronic
    result, and reuse digitized papers, with their shares (docs/reuse.md defines each)."""
    report = reports.digitization(ctx, actor, start, end, agency)
    if format == "csv":
        return Response(
            reports.as_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="sohoa-766.csv"',
                "Cache-Control": "no-store",
            },
        )
    return report
