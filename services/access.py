"""Authorisation: may this actor do this, to this dossier or paper? Denials are audited.

A paper outside the actor's agency answers exactly like a paper that does not exist (404), and
costs the same to answer: the same statements run and the same audit row is written, so a clerk
probing codes learns nothing about other agencies' citizens, not even from the time it takes.
"""

from __future__ import annotations

from models.auth import Actor, AuditAction, Permission
from models.catalog import Dossier
from models.codes import agency_of
from models.errors import Forbidden, InvalidCode, NotFound
from services.context import Context


def require(actor: Actor, permission: Permission) -> None:
    if not actor.principal.can(permission):
        raise Forbidden(detail={"role": actor.principal.role, "needs": permission})


def dossier_for(ctx: Context, actor: Actor, code: str, permission: Permission) -> Dossier:
    """The dossier, when the actor holds `permission` and sees its agency; else 403/404."""
    require(actor, permission)
    try:
        # the agency is in the code: another agency's dossier is refused without looking it up,
        # so whether it exists changes nothing in what is done
        visible = actor.principal.sees_agency(agency_of(code))
    except InvalidCode:
        visible = False
    row = ctx.catalog.find_dossier(code) if visible else None
    if row is None:
        ctx.audit.record(
            actor,
            AuditAction.DENIED,
            object_type="dossier",
            object_id=code[:64],
            dossier_code=code[:40],
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
        # written for a missing paper too: a hidden one must not cost more to refuse
        ctx.audit.record(
            actor,
            AuditAction.DENIED,
            object_type="document",
            object_id=document_id[:64],
            outcome="denied",
        )
        raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
    return visible[0]


def changeable_document(ctx: Context, actor: Actor, document_id: str) -> Dossier:
    """The dossier through which the actor may change this paper: it reads the paper and may
    upload to that dossier (a clerk of its agency), else 403/404."""
    return dossier_for(ctx, actor, document_for(ctx, actor, document_id), Permission.UPLOAD)
