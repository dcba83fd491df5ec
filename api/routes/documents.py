"""Documents (one paper each): status, recognised text, and the original scan."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from api.deps import ContextDep
from api.responses import ERRORS
from models.schemas import DocumentPublic, DocumentText
from services import queries

router = APIRouter(prefix="/documents", tags=["documents"], responses=ERRORS)


@router.get("/{document_id}")
def get_document(document_id: str, ctx: ContextDep) -> DocumentPublic:
    """Status (queued, processing, done, needs_review, failed + reason) and per-page text."""
    return queries.document(ctx, document_id)


@router.get("/{document_id}/text")
def get_text(document_id: str, ctx: ContextDep) -> DocumentText:
    """The document's text, pages separated by form feeds; 409 while it is being recognised."""
    return queries.document_text(ctx, document_id)


@router.get("/{document_id}/original", response_class=Response)
def get_original(document_id: str, ctx: ContextDep) -> Response:
    """The scan exactly as uploaded (its sha256 is verified on the way out)."""
    original = queries.original(ctx, document_id)
    return _file(original.data, original.content_type, original.filename, "attachment")


@router.get("/{document_id}/pdf", response_class=Response)
def get_pdf(document_id: str, ctx: ContextDep) -> Response:
    """The searchable PDF: each page's colour image with its recognised text, invisible, on top."""
    pdf = queries.searchable_pdf(ctx, document_id)
    return _file(pdf.data, pdf.content_type, f"{document_id}.pdf", "inline")


@router.get("/{document_id}/pages/{number}/hocr", response_class=Response)
def get_page_hocr(document_id: str, number: int, ctx: ContextDep) -> Response:
    """One page's hOCR (words, lines and blocks with boxes and confidences)."""
    hocr = queries.page_hocr(ctx, document_id, number)
    return Response(content=hocr.data, media_type=hocr.content_type)


def _file(data: bytes, media_type: str, filename: str, disposition: str) -> Response:
    header = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return Response(content=data, media_type=media_type, headers={"Content-Disposition": header})
