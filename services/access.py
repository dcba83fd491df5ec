"""Authorisation: may this actor do this, to this dossier or paper? Denials are audited.

A paper outside the actor's agency answers exactly like a paper that does not exist (404): a
clerk probing codes learns nothing about other agencies' citizens.
"""

from __future__ import annotations

from models.auth import Actor, AuditAction, Permission
from models.errors import Forbidden, NotFound
from services.context import Context
from storage.catalog.tables import DossierRow


def require(actor: Actor, permission: Permission) -> None:
    if not actor.principal.can(permission):
        raise Forbidden(detail={"role": actor.principal.role, "needs": permission})


def dossier_for(ctx: Context, actor: Actor, code: str, permission: Permission) -> DossierRow:
    """The dossier, when the actor holds `permission` and sees its agency; else 403/404."""
    require(actor, permission)
    row = ctx.catalog.get_dossier(code)
    if not actor.principal.sees_agency(row.agency_code):
        ctx.audit.record(
            actor,
            AuditAction.DENIED,
            object_type="dossier",
            object_id=code,
            dossier_code=code,
            outcome="denied",
        )
        raise NotFound("Không tìm thấy hồ sơ", detail={"code": code})
    return row


def document_for(ctx: Context, actor: Actor, document_id: str) -> str:
    """Check the actor may read the paper; return the code of a dossier through which it may."""
    require(actor, Permission.READ_PAPERS)
    links = ctx.catalog.document_dossiers(document_id)
    visible = [code for code, agency in links if actor.principal.sees_agency(agency)]
    if not visible:
        if links:
            ctx.audit.record(
                actor,
                AuditAction.DENIED,
                object_type="document",
                object_id=document_id,
                outcome="denied",
            )
        raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
    return visible[0]


def changeable_document(ctx: Context, actor: Actor, document_id: str) -> DossierRow:
    """The dossier through which the actor may change this paper: it reads the paper and may
    upload to that dossier (a clerk of its agency), else 403/404."""
    return dossier_for(ctx, actor, document_for(ctx, actor, document_id), Permission.UPLOAD)
