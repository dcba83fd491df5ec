"""Certified electronic copies (SAO Y, SAO LỤC, TRÍCH SAO): make one, verify one."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.certification import CertifiedCopyPublic, CertifyRequest, Verification
from services import certify

router = APIRouter(tags=["certified copies"], responses=ERRORS)


@router.post("/documents/{document_id}/certified-copy", status_code=status.HTTP_201_CREATED)
def create_certified_copy(
    document_id: str, request: CertifyRequest, ctx: ContextDep, actor: ActorDep
) -> CertifiedCopyPublic:
    """A copy of a recognised paper, stamped and signed with the agency's key (Decree
    30/2020 art. 25-26), kept as the dossier's electronic result; fetch it by its `id` like any
    paper (`/documents/{id}/original`, `/documents/{id}/download-link`)."""
    return certify.certify(ctx, actor, document_id, request.copy_type, request.pages)


@router.get("/certified-copies/{copy_id}/verification")
def verify_certified_copy(copy_id: str, ctx: ContextDep, actor: ActorDep) -> Verification:
    """Signature intact, signer, signing time, changed after signing, PDF/A validity."""
    return certify.verify_copy(ctx, actor, copy_id)
