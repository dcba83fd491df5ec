"""The counter's routes beyond intake: correct, classify, rescan, remove, reuse, look up."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile, status

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.kinds import DocumentKind
from models.recognition import PageResult
from models.schemas import (
    ApplicantPaper,
    DocumentUpdate,
    EarlierUsed,
    KindPublic,
    PageCorrection,
)
from services import counter, intake

router = APIRouter(tags=["counter"], responses=ERRORS)

PageNumber = Annotated[int, Path(ge=1, le=100_000)]


@router.get("/kinds")
def kinds(_actor: ActorDep) -> list[KindPublic]:
    """The kinds of paper, with the Vietnamese label a clerk reads."""
    return [KindPublic(code=kind, label=kind.label) for kind in DocumentKind]


@router.patch("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def update_document(
    document_id: str, update: DocumentUpdate, ctx: ContextDep, actor: ActorDep
) -> None:
    """Set a paper's kind and metadata (số ký hiệu, ngày cấp, cơ quan cấp, hiệu lực...)."""
    counter.update_document(ctx, actor, document_id, update)


@router.put("/documents/{document_id}/pages/{number}/text", status_code=status.HTTP_204_NO_CONTENT)
def correct_text(
    document_id: str,
    number: PageNumber,
    correction: PageCorrection,
    ctx: ContextDep,
    actor: ActorDep,
) -> None:
    """Keep the clerk's correction of a page; recognition's text is kept beside it."""
    counter.correct_page(ctx, actor, document_id, number, correction.text)


@router.get("/documents/{document_id}/pages/{number}/words")
def page_words(
    document_id: str, number: PageNumber, ctx: ContextDep, actor: ActorDep
) -> PageResult:
    """The recognised page with every word's box and confidence."""
    return counter.page_result(ctx, actor, document_id, number)


@router.get("/documents/{document_id}/pages/{number}/image", response_class=Response)
def page_image(
    document_id: str,
    number: PageNumber,
    ctx: ContextDep,
    actor: ActorDep,
    width: Annotated[int, Query(ge=64, le=2000)] = 600,
) -> Response:
    """A JPEG preview of one page of the original."""
    data = counter.page_image(ctx, actor, document_id, number, width)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.put("/documents/{document_id}/scan", status_code=status.HTTP_202_ACCEPTED)
def rescan(
    document_id: str,
    file: Annotated[UploadFile, File(description="the new scan of the paper")],
    ctx: ContextDep,
    actor: ActorDep,
) -> None:
    """Replace the paper's scan (a blurred or dark one) and recognise it again."""
    intake.replace_scan(ctx, actor, document_id, intake.Upload(file.filename or "scan", file.file))


@router.delete("/dossiers/{code}/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove(code: str, document_id: str, ctx: ContextDep, actor: ActorDep) -> None:
    """Take a paper out of a dossier (kept, hidden, audited)."""
    counter.remove_from_dossier(ctx, actor, code, document_id)


@router.post(
    "/dossiers/{code}/documents/{document_id}/reuse", status_code=status.HTTP_204_NO_CONTENT
)
def reuse(code: str, document_id: str, ctx: ContextDep, actor: ActorDep) -> None:
    """Use a paper the applicant already gave us in this dossier: no upload, no rescan."""
    counter.reuse_in_dossier(ctx, actor, code, document_id)


@router.post("/dossiers/{code}/documents/{document_id}/use-earlier")
def use_earlier(code: str, document_id: str, ctx: ContextDep, actor: ActorDep) -> EarlierUsed:
    """This scan is of a paper digitized before (`duplicate_of` on the document): put the
    earlier paper in the dossier in its place and take the new scan out."""
    return EarlierUsed(id=counter.use_earlier(ctx, actor, code, document_id), removed=document_id)


@router.get("/applicants/{applicant_id}/documents")
def applicant_papers(applicant_id: str, ctx: ContextDep, actor: ActorDep) -> list[ApplicantPaper]:
    """The papers this person (số định danh cá nhân) already has in sohoa, newest first."""
    return counter.applicant_papers(ctx, actor, applicant_id)
