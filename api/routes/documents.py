"""Documents (one paper each): status, recognised text, the original scan, download links."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.schemas import DocumentPublic, DocumentText, DownloadLink
from services import queries

router = APIRouter(tags=["documents"], responses=ERRORS)


PageNumber = Annotated[int, Path(ge=1, le=100_000)]


@router.get("/documents/{document_id}")
def get_document(document_id: str, ctx: ContextDep, actor: ActorDep) -> DocumentPublic:
    """Status (queued, processing, done, needs_review, failed + reason) and per-page text."""
    return queries.document(ctx, actor, document_id)


@router.get("/documents/{document_id}/text")
def get_text(document_id: str, ctx: ContextDep, actor: ActorDep) -> DocumentText:
    """The document's text, pages separated by form feeds; 409 while it is being recognised."""
    return queries.document_text(ctx, actor, document_id)


@router.get("/documents/{document_id}/original", response_class=Response)
def get_original(document_id: str, ctx: ContextDep, actor: ActorDep) -> Response:
    """The scan exactly as uploaded (its sha256 is verified on the way out)."""
    return _file(queries.original(ctx, actor, document_id), "attachment")


@router.post("/documents/{document_id}/download-link")
def create_download_link(
    document_id: str, request: Request, ctx: ContextDep, actor: ActorDep
) -> DownloadLink:
    """A link to the original that works without a session for `SOHOA_DOWNLOAD_LINK_SECONDS`."""
    token, expires_at = queries.download_link(ctx, actor, document_id)
    # never from the request's Host header, which the caller writes: a link to their host
    path = request.app.url_path_for("download", token=token)
    base = (ctx.settings.public_url or "").rstrip("/")
    return DownloadLink(url=f"{base}{path}", expires_at=expires_at)


@router.get("/downloads/{token}", response_class=Response, name="download")
def download(token: str, request: Request, ctx: ContextDep) -> Response:
    """Fetch an original through a signed link (authorised and audited at issue and at use)."""
    client = request.client.host if request.client else None
    return _file(queries.original_by_link(ctx, token, client), "attachment")


@router.get("/documents/{document_id}/pdf", response_class=Response)
def get_pdf(document_id: str, ctx: ContextDep, actor: ActorDep) -> Response:
    """The searchable PDF/A-2b: each page's colour image under its stored text, invisible."""
    pdf = queries.searchable_pdf(ctx, actor, document_id)
    return _file(queries.Original(f"{document_id}.pdf", pdf.content_type, pdf.data), "inline")


@router.get("/documents/{document_id}/pages/{number}/hocr", response_class=Response)
def get_page_hocr(
    document_id: str, number: PageNumber, ctx: ContextDep, actor: ActorDep
) -> Response:
    """One page's hOCR: words, lines and blocks in reading order with boxes and confidences, ruled
    tables as `ocr_table` with a cell per `td`."""
    return _uncached(queries.page_hocr(ctx, actor, document_id, number))


@router.get("/documents/{document_id}/pages/{number}/alto", response_class=Response)
def get_page_alto(
    document_id: str, number: PageNumber, ctx: ContextDep, actor: ActorDep
) -> Response:
    """One page's ALTO 4 XML: the words of its hOCR in the same reading order, with boxes (page
    pixels) and confidences (0..1), ruled tables as a `ComposedBlock` of its cells, seals,
    signatures, QR codes and photos as `Illustration`s."""
    return _uncached(queries.page_alto(ctx, actor, document_id, number))


def _uncached(artefact: queries.Artefact) -> Response:
    """A page's text leaves as it is and is never cached: it is personal data."""
    return Response(
        content=artefact.data,
        media_type=artefact.content_type,
        headers={"Cache-Control": "no-store"},
    )


def _file(original: queries.Original, disposition: str) -> Response:
    """A paper leaves with its name and is never cached: it is personal data."""
    header = f"{disposition}; filename*=UTF-8''{quote(original.filename)}"
    return Response(
        content=original.data,
        media_type=original.content_type,
        headers={"Content-Disposition": header, "Cache-Control": "no-store"},
    )
