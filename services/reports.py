"""The Decision 766/QĐ-TTg indicators: how many dossiers are digitized, get an electronic
result, and reuse digitized papers, over the dossiers received in a period.

Who may read them (docs/security.md): officers for their own agency, auditors and admins for
any agency or all together. Every reading is audited. The figures are counts: no paper, no name.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from models.auth import Actor, AuditAction, Permission
from models.codes import check_agency_code
from models.errors import Forbidden, InvalidPeriod
from models.schemas import DigitizationReport, Indicator
from services.access import require
from services.audit import cell
from services.context import Context

MAX_DAYS = 3660
"""A report spans at most ten years: enough for any 766 period, bounded for the database."""


def digitization(
    ctx: Context, actor: Actor, start: date, end: date, agency: str | None = None
) -> DigitizationReport:
    """The indicators over dossiers received from `start` to `end` (both included).

    `agency` None means the actor's own agency, or every agency for one without (admin,
    auditor); an actor with an agency asking for another is refused (403).
    """
    require(actor, Permission.READ_REPORTS)
    if end < start or (end - start).days > MAX_DAYS:
        raise InvalidPeriod(
            detail={"from": start.isoformat(), "to": end.isoformat(), "max_days": MAX_DAYS},
        )
    own = actor.principal.agency_code
    if agency is not None:
        check_agency_code(agency)
        if not actor.principal.sees_agency(agency):
            ctx.audit.record(
                actor, AuditAction.DENIED, object_type="report", object_id=agency, outcome="denied"
            )
            raise Forbidden(
                "Bạn chỉ được xem báo cáo của cơ quan mình", detail={"agency_code": agency}
            )
    scope = agency or own
    counts = ctx.reports.digitization(start, end, scope)
    ctx.audit.record(
        actor,
        AuditAction.READ,
        object_type="report",
        object_id="digitization",
        detail=f"from={start.isoformat()} to={end.isoformat()} agency={scope or '*'}",
    )

    def indicator(count: int) -> Indicator:
        share = round(count / counts.dossiers, 4) if counts.dossiers else None
        return Indicator(count=count, share=share)

    return DigitizationReport(
        from_date=start,
        to_date=end,
        agency=scope,
        dossiers=counts.dossiers,
        digitized=indicator(counts.digitized),
        e_results=indicator(counts.e_results),
        reusing=indicator(counts.reusing),
    )


CSV_COLUMNS = ("from", "to", "agency", "indicator", "count", "dossiers", "share")


def as_csv(report: DigitizationReport) -> str:
    """One row per indicator, for a spreadsheet; cells that would be formulas are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for name in ("digitized", "e_results", "reusing"):
        figure: Indicator = getattr(report, name)
        share = "" if figure.share is None else f"{figure.share:.4f}"
        row = (
            report.from_date,
            report.to_date,
            report.agency or "*",
            name,
            figure.count,
            report.dossiers,
            share,
        )
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()
