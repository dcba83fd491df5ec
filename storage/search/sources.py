"""What the index is built from: each recognised page with its paper and the dossiers it is in.

Read from the catalog's tables; a link a clerk removed is not a way to find the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from storage.catalog.database import unavailable_as_ours
from storage.catalog.tables import DocumentRow, DossierDocumentRow, DossierRow, PageRow


@dataclass(frozen=True)
class PageSource:
    document_id: str
    page_number: int
    text: str
    """A clerk's correction when there is one, else what recognition read."""
    owner_name: str | None
    owner_id: str | None
    kind_code: str | None
    number_symbol: str | None
    summary: str | None
    issuer: str | None
    dossier_code: str
    agency_code: str
    procedure_code: str
    applicant_name: str
    applicant_id: str
    received_at: datetime


def page_sources(engine: Engine, document_ids: Sequence[str]) -> list[PageSource]:
    """Every (page, dossier) pair of these papers."""
    if not document_ids:
        return []
    statement = (
        select(
            PageRow.document_id,
            PageRow.number.label("page_number"),
            func.coalesce(PageRow.corrected_text, PageRow.text).label("text"),
            DocumentRow.owner_name,
            DocumentRow.owner_id,
            DocumentRow.kind_code,
            DocumentRow.number_symbol,
            DocumentRow.summary,
            DocumentRow.issuer,
            DossierRow.code.label("dossier_code"),
            DossierRow.agency_code,
            DossierRow.procedure_code,
            DossierRow.applicant_name,
            DossierRow.applicant_id,
            DossierRow.created_at.label("received_at"),
        )
        .join(DocumentRow, DocumentRow.id == PageRow.document_id)
        .join(DossierDocumentRow, DossierDocumentRow.document_id == PageRow.document_id)
        .join(DossierRow, DossierRow.id == DossierDocumentRow.dossier_id)
        .where(PageRow.document_id.in_(document_ids), DossierDocumentRow.removed_at.is_(None))
        .order_by(PageRow.document_id, DossierRow.code, PageRow.number)
    )
    with unavailable_as_ours(), engine.connect() as connection:
        return [PageSource(**row._mapping) for row in connection.execute(statement)]


def recognised_documents(engine: Engine, batch: int) -> Iterator[list[str]]:
    """Ids of every paper with recognised pages, `batch` at a time (keyset: constant memory)."""
    after = ""
    while True:
        statement = (
            select(PageRow.document_id)
            .where(PageRow.document_id > after)
            .group_by(PageRow.document_id)
            .order_by(PageRow.document_id)
            .limit(batch)
        )
        with unavailable_as_ours(), engine.connect() as connection:
            ids = list(connection.scalars(statement))
        if not ids:
            return
        yield ids
        after = ids[-1]
