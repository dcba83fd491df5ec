"""Read side: dossiers, documents, their text and originals, as the API and CLI show them."""

from __future__ import annotations

from dataclasses import dataclass

from models.catalog import DocumentStatus, DossierStatus
from models.errors import NotReady
from models.schemas import (
    DocumentPublic,
    DocumentSummary,
    DocumentText,
    DossierPublic,
    PagePublic,
)
from services.context import Context
from storage.catalog.tables import DocumentRow, DossierRow


def dossier(ctx: Context, code: str) -> DossierPublic:
    return dossier_public(ctx.catalog.get_dossier(code))


def dossier_public(row: DossierRow) -> DossierPublic:
    return DossierPublic(
        code=row.code,
        procedure_code=row.procedure_code,
        applicant_name=row.applicant_name,
        applicant_id=row.applicant_id,
        status=DossierStatus(row.status),
        created_at=row.created_at,
        documents=[
            DocumentSummary(
                id=link.document.id,
                filename=link.document.filename,
                status=DocumentStatus(link.document.status),
                page_count=link.document.page_count,
            )
            for link in row.links
        ],
    )


def document(ctx: Context, document_id: str) -> DocumentPublic:
    row = ctx.catalog.get_document(document_id)
    recognised = {page.number: page for page in row.pages}
    return DocumentPublic(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        sha256=row.sha256,
        size=row.size,
        status=DocumentStatus(row.status),
        reason=row.reason,
        page_count=row.page_count,
        mean_confidence=row.mean_confidence,
        created_at=row.created_at,
        updated_at=row.updated_at,
        pages=[
            PagePublic(
                number=number,
                text=recognised[number].text if number in recognised else None,
                mean_confidence=recognised[number].mean_confidence
                if number in recognised
                else None,
                source=recognised[number].source if number in recognised else None,
            )
            for number in range(1, row.page_count + 1)
        ],
    )


def document_text(ctx: Context, document_id: str) -> DocumentText:
    row = ctx.catalog.get_document(document_id)
    status = DocumentStatus(row.status)
    if status not in (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW):
        raise NotReady(detail={"id": row.id, "status": status})
    return DocumentText(id=row.id, status=status, text="\f".join(p.text for p in row.pages))


@dataclass(frozen=True)
class Original:
    filename: str
    content_type: str
    data: bytes


def original(ctx: Context, document_id: str) -> Original:
    row: DocumentRow = ctx.catalog.get_document(document_id)
    return Original(row.filename, row.content_type, ctx.store.get(row.object_key))
