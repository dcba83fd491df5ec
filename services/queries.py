"""Read side: dossiers, documents, their text and originals, as the API and CLI show them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from models.auth import Actor, AuditAction, Permission
from models.catalog import DocumentStatus, Dossier, DossierStatus, PageRecord, Paper
from models.errors import NotFound, NotReady, Unauthenticated
from models.extraction import PaperReading
from models.kinds import label_of
from models.recognition import PageResult, QualityVerdict
from models.schemas import (
    DocumentPublic,
    DocumentSummary,
    DocumentText,
    DossierPublic,
    EarlierPaper,
    PagePublic,
)
from ocr.alto import page_alto as ocr_alto
from services import links, reuse
from services.access import document_for, dossier_for
from services.context import Context
from storage.keys import hocr_key_of, pdf_key_of


def dossier(ctx: Context, actor: Actor, code: str) -> DossierPublic:
    row = dossier_for(ctx, actor, code, Permission.READ_PAPERS)
    ctx.audit.record(
        actor, AuditAction.READ, object_type="dossier", object_id=code, dossier_code=code
    )
    return dossier_public(row)


def dossier_public(row: Dossier) -> DossierPublic:
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
                kind_code=link.document.kind_code,
                reused=link.reused,
            )
            for link in row.links
            if link.removed_at is None
        ],
    )


def page_verdicts(row: Paper) -> list[QualityVerdict | None]:
    """The stored per-page quality verdicts, one per page (None where none was made)."""
    stored = json.loads(row.quality) if row.quality else []
    verdicts = [QualityVerdict.model_validate(v) if v else None for v in stored]
    return (verdicts + [None] * row.page_count)[: row.page_count]


def document(ctx: Context, actor: Actor, document_id: str) -> DocumentPublic:
    row = _read(ctx, actor, document_id, AuditAction.READ, "document")
    recognised = {page.number: page for page in row.recognised}
    verdicts = page_verdicts(row)
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
        kind_code=row.kind_code,
        number_symbol=row.number_symbol,
        issue_date=row.issue_date,
        issuer=row.issuer,
        valid_until=row.valid_until,
        permanent=row.permanent,
        role="result" if row.role == "result" else "submitted",
        duplicate_of=_earlier(ctx, actor, row.duplicate_of),
        owner_id=row.owner_id,
        owner_name=row.owner_name,
        signer=row.signer,
        reading=PaperReading.model_validate_json(row.reading) if row.reading else None,
        pages=[
            _page(number, recognised.get(number), verdict)
            for number, verdict in enumerate(verdicts, start=1)
        ],
    )


def _earlier(ctx: Context, actor: Actor, earlier_id: str | None) -> EarlierPaper | None:
    """The earlier copy of a rescanned paper, if the actor may open it (else not offered)."""
    if earlier_id is None or not reuse.visible(ctx, actor, earlier_id):
        return None
    earlier = ctx.catalog.get_document(earlier_id)
    return EarlierPaper(
        id=earlier.id,
        kind_label=label_of(earlier.kind_code),
        number_symbol=earlier.number_symbol,
        issue_date=earlier.issue_date,
        digitized_at=earlier.digitized_at or earlier.created_at,
    )


def _page(number: int, page: PageRecord | None, verdict: QualityVerdict | None) -> PagePublic:
    quality = verdict.issues if verdict is not None else None
    blank = verdict is not None and verdict.blank
    if page is None:
        return PagePublic(
            number=number,
            text=None,
            mean_confidence=None,
            source=None,
            quality=quality,
            blank=blank,
        )
    return PagePublic(
        number=number,
        text=effective_text(page),
        ocr_text=page.text,
        corrected=page.corrected_text is not None,
        mean_confidence=page.mean_confidence,
        source=page.source,
        quality=quality,
        blank=blank,
    )


def effective_text(page: PageRecord) -> str:
    """What the paper says as far as we know: the clerk's correction, else recognition's."""
    return page.corrected_text if page.corrected_text is not None else page.text


def document_text(ctx: Context, actor: Actor, document_id: str) -> DocumentText:
    row = _finished(_read(ctx, actor, document_id, AuditAction.READ, "text"))
    return DocumentText(
        id=row.id,
        status=DocumentStatus(row.status),
        text="\f".join(effective_text(p) for p in row.recognised),
    )


@dataclass(frozen=True)
class Artefact:
    content_type: str
    data: bytes


def searchable_pdf(ctx: Context, actor: Actor, document_id: str) -> Artefact:
    """The document's searchable PDF (page images + invisible text); 409 until recognised."""
    row = _finished(_read(ctx, actor, document_id, AuditAction.DOWNLOAD, "searchable pdf"))
    if not row.recognised:
        raise NotFound("Tài liệu không có bản PDF", detail={"id": row.id})
    # beside the pages' results: under the scan they were read from (storage/keys.py)
    return Artefact("application/pdf", ctx.store.get(pdf_key_of(row.recognised[0].result_key)))


def page_hocr(ctx: Context, actor: Actor, document_id: str, number: int) -> Artefact:
    """One page's hOCR (words, lines, blocks and tables in reading order); 409 until recognised."""
    row = _finished(_read(ctx, actor, document_id, AuditAction.READ, f"hocr page {number}"))
    key = hocr_key_of(_recognised_page(row, number).result_key)
    if not ctx.store.exists(key):
        raise NotFound("Trang không có kết quả hOCR (trang trắng)", detail={"page": number})
    return Artefact("text/html; charset=utf-8", ctx.store.get(key))


def page_alto(ctx: Context, actor: Actor, document_id: str, number: int) -> Artefact:
    """One page's ALTO 4 XML, written from its stored result (ocr.alto): the same words, order,
    tables and marks as its hOCR; an empty page for a blank one. 409 until recognised."""
    row = _finished(_read(ctx, actor, document_id, AuditAction.READ, f"alto page {number}"))
    stored = ctx.store.get(_recognised_page(row, number).result_key)
    page = PageResult.model_validate_json(stored)
    alto = ocr_alto(page, languages=ctx.settings.ocr_options().languages)
    return Artefact("application/xml; charset=utf-8", alto.encode("utf-8"))


def _recognised_page(row: Paper, number: int) -> PageRecord:
    page = next((p for p in row.recognised if p.number == number), None)
    if page is None:
        raise NotFound("Không tìm thấy trang", detail={"id": row.id, "page": number})
    return page


def _finished(row: Paper) -> Paper:
    status = DocumentStatus(row.status)
    if status not in (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW):
        raise NotReady(detail={"id": row.id, "status": status})
    return row


@dataclass(frozen=True)
class Original:
    filename: str
    content_type: str
    data: bytes


def original(ctx: Context, actor: Actor, document_id: str) -> Original:
    row = _read(ctx, actor, document_id, AuditAction.DOWNLOAD, "original")
    return Original(row.filename, row.content_type, ctx.store.get(row.object_key))


def _read(ctx: Context, actor: Actor, document_id: str, action: AuditAction, what: str) -> Paper:
    """Authorise, audit, then fetch: no paper leaves without its audit row committed first."""
    dossier_code = document_for(ctx, actor, document_id)
    ctx.audit.record(
        actor,
        action,
        object_type="document",
        object_id=document_id,
        dossier_code=dossier_code,
        detail=what,
    )
    return ctx.catalog.get_document(document_id)


read_authorised = _read
"""`_read` for the use cases beside these (certified copies): authorise, audit, then fetch."""


def download_link(ctx: Context, actor: Actor, document_id: str) -> tuple[str, datetime]:
    """Authorise and audit the issue of a signed link to the original."""
    dossier_code = document_for(ctx, actor, document_id)
    ctx.audit.record(
        actor,
        AuditAction.DOWNLOAD,
        object_type="document",
        object_id=document_id,
        dossier_code=dossier_code,
        detail="link issued",
    )
    return links.sign(
        links.secret_key(ctx.settings),
        document_id=document_id,
        user_id=actor.principal.user_id,
        seconds=ctx.settings.download_link_seconds,
    )


def original_by_link(ctx: Context, token: str, origin: str | None) -> Original:
    document_id, user_id = links.verify(links.secret_key(ctx.settings), token)
    principal = ctx.accounts.active_principal(user_id)
    if principal is None:
        raise Unauthenticated("Liên kết tải xuống không hợp lệ")
    # the link carries no more right than its owner has now: re-check, then audit the use
    return original(ctx, Actor(principal, origin), document_id)
