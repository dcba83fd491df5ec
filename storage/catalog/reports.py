"""Aggregate figures over dossiers for the Decision 766 indicators, counted in the database.

One grouped query per report: per dossier, what its live components are (submitted / result,
digitized or not, reused or not), then the counts of dossiers meeting each indicator. Only
counts leave this module, never a paper or a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from models.catalog import DocumentStatus
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.tables import DocumentRow, DossierDocumentRow, DossierRow

_DIGITIZED = (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW)


@dataclass(frozen=True)
class DigitizationCounts:
    dossiers: int
    digitized: int
    """every submitted component has a digitized copy (and there is at least one)"""
    e_results: int
    """at least one result component (role "result") with a digitized copy"""
    reusing: int
    """at least one component reused from an earlier dossier"""


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class Reports:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def digitization(self, start: date, end: date, agency: str | None) -> DigitizationCounts:
        """Counts over the dossiers received from `start` to `end` (both included), of one
        agency or of all. Components a clerk removed do not count."""

        document, link = DocumentRow, DossierDocumentRow
        digitized = document.status.in_(_DIGITIZED)
        per_dossier = (
            select(
                DossierRow.id.label("dossier_id"),
                _count_where(document.role == "submitted").label("submitted"),
                _count_where(and_(document.role == "submitted", digitized)).label("submitted_ok"),
                _count_where(and_(document.role == "result", digitized)).label("results"),
                _count_where(link.reused.is_(True)).label("reused"),
            )
            .select_from(DossierRow)
            .outerjoin(link, and_(link.dossier_id == DossierRow.id, link.removed_at.is_(None)))
            .outerjoin(document, document.id == link.document_id)
            .where(DossierRow.received_on >= start, DossierRow.received_on <= end)
            .group_by(DossierRow.id)
        )
        if agency is not None:
            per_dossier = per_dossier.where(DossierRow.agency_code == agency)
        rows = per_dossier.subquery()
        totals = select(
            func.count(),
            _count_where(and_(rows.c.submitted > 0, rows.c.submitted == rows.c.submitted_ok)),
            _count_where(rows.c.results > 0),
            _count_where(rows.c.reused > 0),
        ).select_from(rows)
        with unavailable_as_ours(), self._sessions() as session:
            dossiers, digitized_count, e_results, reusing = session.execute(totals).one()
        return DigitizationCounts(
            dossiers=int(dossiers),
            digitized=int(digitized_count),
            e_results=int(e_results),
            reusing=int(reusing),
        )
