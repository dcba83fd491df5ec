"""Dossiers (hồ sơ) and the scans uploaded into them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.schemas import DossierCreate, DossierPublic, UploadAccepted
from services import intake, queries

router = APIRouter(prefix="/dossiers", tags=["dossiers"], responses=ERRORS)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_dossier(new: DossierCreate, ctx: ContextDep, actor: ActorDep) -> DossierPublic:
    """Open a dossier by its receipt code, procedure code and applicant."""
    return queries.dossier_public(intake.create_dossier(ctx, actor, new))


@router.get("/{code}")
def get_dossier(code: str, ctx: ContextDep, actor: ActorDep) -> DossierPublic:
    return queries.dossier(ctx, actor, code)


@router.post("/{code}/documents", status_code=status.HTTP_202_ACCEPTED)
def upload_documents(
    code: str,
    files: Annotated[
        list[UploadFile], File(description="scans: JPEG, PNG, TIFF, BMP, WebP, HEIC, PDF")
    ],
    ctx: ContextDep,
    actor: ActorDep,
) -> UploadAccepted:
    """Store the scans durably, then recognise them in the background (one document per file).

    The response comes after every original is on disk and recorded, and carries each page's
    quality verdict (blurred, faint, too coarse, blank) so the clerk can rescan at once; poll
    `GET /documents/{id}` for the text. A file already digitized (same bytes) is answered with
    the existing paper's id, marked `reused`, and linked to the dossier: no recognition.
    """
    # Starlette has spooled each file to a temporary file: intake streams from there; it
    # also sends what it queued to recognition (services/dispatch.py), not this route
    uploads = [intake.Upload(file.filename or "scan", file.file) for file in files]
    accepted = intake.upload_documents(ctx, actor, code, uploads)
    return UploadAccepted(
        dossier_code=code, document_ids=[d.id for d in accepted], documents=accepted
    )
