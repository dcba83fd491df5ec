"""The clerk's verbs at the counter beyond intake: correct, classify, remove, reuse, look up.

Each verb is authorised like a read of the paper plus the right to change the dossier, and
leaves an audit row.
"""

from __future__ import annotations

from models.audit import AuditEvent
from models.auth import Actor, AuditAction, Permission
from models.errors import Conflict, NotFound, PaperExpired
from models.kinds import label_of
from models.recognition import PageResult
from models.schemas import ApplicantPaper, DocumentUpdate
from ocr.preview import page_preview
from services import audit, reuse
from services.access import changeable_document, document_for, dossier_for, require
from services.context import Context


def update_document(ctx: Context, actor: Actor, document_id: str, update: DocumentUpdate) -> None:
    dossier_code = changeable_document(ctx, actor, document_id).code
    values = update.model_dump(exclude_unset=True)
    changed = AuditEvent(
        actor,
        AuditAction.CHANGE,
        "document",
        object_id=document_id,
        dossier_code=dossier_code,
        # what changed, not to what: the auditor never reads a paper (docs/security.md)
        detail="changed: " + ", ".join(sorted(values)),
    )
    ctx.papers.update_metadata(document_id, values, audit=[changed])
    # the clerk may just have named the kind or number that makes it a rescan (or not)
    reuse.detect_near_duplicate(ctx, document_id)
    ctx.search.index_document(document_id)


def correct_page(ctx: Context, actor: Actor, document_id: str, number: int, text: str) -> None:
    """Keep a clerk's correction of a page's text; recognition's own text stays beside it."""
    dossier_code = changeable_document(ctx, actor, document_id).code
    corrected = AuditEvent(
        actor,
        AuditAction.CHANGE,
        "page",
        object_id=f"{document_id}/{number}",
        dossier_code=dossier_code,
        detail="text corrected",
    )
    ctx.papers.correct_page(document_id, number, text, actor.principal.username, audit=[corrected])
    ctx.search.index_document(document_id)


def remove_from_dossier(ctx: Context, actor: Actor, dossier_code: str, document_id: str) -> None:
    """Soft delete: the paper leaves this dossier's list, its record and scan stay."""
    dossier_for(ctx, actor, dossier_code, Permission.UPLOAD)
    removed = AuditEvent(
        actor,
        AuditAction.DELETE,
        "document",
        object_id=document_id,
        dossier_code=dossier_code,
        detail="removed from dossier",
    )
    by = actor.principal.username
    if not ctx.papers.set_link_removed(dossier_code, document_id, by, audit=[removed]):
        raise NotFound(
            "Giấy tờ không thuộc hồ sơ này", detail={"code": dossier_code, "id": document_id}
        )
    ctx.search.index_document(document_id)


def reuse_in_dossier(ctx: Context, actor: Actor, dossier_code: str, document_id: str) -> None:
    """Link a paper this applicant already gave us to a new dossier: no upload, no rescan."""
    target = dossier_for(ctx, actor, dossier_code, Permission.UPLOAD)
    _reusable(ctx, actor, target.agency_code, document_id, owner=target.applicant_id)
    linked = AuditEvent(
        actor,
        AuditAction.LINK,
        "document",
        object_id=document_id,
        dossier_code=dossier_code,
        detail="reused",
    )
    if not reuse.link(ctx, dossier_code, document_id, audit=[linked]):
        raise Conflict(
            "Giấy tờ đã có trong hồ sơ", detail={"code": dossier_code, "id": document_id}
        )


def _reusable(
    ctx: Context, actor: Actor, agency: str, document_id: str, *, owner: str | None
) -> None:
    """What every reuse checks before it links anything: the actor may read the paper, it is
    filed by the target dossier's agency (an admin sees every agency; a paper crosses none,
    services/reuse.py), it belongs to `owner`, and it is still valid."""
    document_for(ctx, actor, document_id)
    if not reuse.in_agency(ctx, agency, document_id):
        raise Conflict(
            "Giấy tờ thuộc hồ sơ của cơ quan khác, không dùng lại được",
            detail={"agency": agency, "id": document_id},
        )
    paper = ctx.catalog.get_document(document_id)
    if paper.owner_id != owner:
        raise Conflict(
            "Giấy tờ không thuộc người nộp hồ sơ này",
            detail={"id": document_id},
        )
    if reuse.expired(paper):
        raise PaperExpired(detail={"valid_until": str(paper.valid_until)})


def use_earlier(ctx: Context, actor: Actor, dossier_code: str, document_id: str) -> str:
    """The clerk's answer to "this paper was digitized before": link the earlier copy to the
    dossier in place of the new scan, which leaves the dossier (kept, like any removal).

    Returns the earlier paper's id. 404 when the new scan is not in this dossier, 409 when it
    duplicates nothing (any more); the earlier copy passes every check a reuse makes (readable,
    same agency, same owner as the new scan, still valid) before anything is linked.
    """
    target = dossier_for(ctx, actor, dossier_code, Permission.UPLOAD)
    document_for(ctx, actor, document_id)
    if dossier_code not in {code for code, _ in ctx.catalog.document_dossiers(document_id)}:
        raise NotFound(
            "Giấy tờ không thuộc hồ sơ này", detail={"code": dossier_code, "id": document_id}
        )
    scan = ctx.catalog.get_document(document_id)
    earlier = scan.duplicate_of
    if earlier is None:
        raise Conflict(
            "Giấy tờ này không trùng với giấy tờ nào đã số hóa", detail={"id": document_id}
        )
    _reusable(ctx, actor, target.agency_code, earlier, owner=scan.owner_id)
    linked = AuditEvent(
        actor,
        AuditAction.LINK,
        "document",
        object_id=earlier,
        dossier_code=dossier_code,
        detail=f"reused in place of its rescan {document_id}",
    )
    reuse.link(ctx, dossier_code, earlier, audit=[linked])
    remove_from_dossier(ctx, actor, dossier_code, document_id)
    return earlier


def applicant_papers(ctx: Context, actor: Actor, applicant_id: str) -> list[ApplicantPaper]:
    """The papers this person already gave us, in the dossiers the actor may see."""
    require(actor, Permission.READ_PAPERS)
    papers = []
    agency = actor.principal.agency_code
    mine = None if agency is None else [agency]
    for row in ctx.catalog.documents_of_owner(applicant_id, agencies=mine):
        links = ctx.catalog.document_dossiers(row.id)
        visible = [code for code, agency in links if actor.principal.sees_agency(agency)]
        if not visible or row.duplicate_of is not None:
            continue  # a rescan is offered through the copy it duplicates
        papers.append(
            ApplicantPaper(
                id=row.id,
                filename=row.filename,
                kind_code=row.kind_code,
                kind_label=label_of(row.kind_code),
                number_symbol=row.number_symbol,
                issue_date=row.issue_date,
                issuer=row.issuer,
                valid_until=row.valid_until,
                permanent=row.permanent,
                validity=reuse.validity(row),
                expired=reuse.expired(row),
                reusable=row.status in reuse.DIGITIZED and not reuse.expired(row),
                status=row.status,
                created_at=row.created_at,
                dossiers=visible,
            )
        )
    ctx.audit.record(
        actor,
        AuditAction.READ,
        object_type="applicant",
        object_id=audit.pseudonym(ctx, applicant_id),
        detail=f"{len(papers)} papers listed",
    )
    return papers


def page_result(ctx: Context, actor: Actor, document_id: str, number: int) -> PageResult:
    """A recognised page with its words, boxes and confidences (for marking doubtful words)."""
    dossier_code = document_for(ctx, actor, document_id)
    page = next(
        (p for p in ctx.catalog.get_document(document_id).recognised if p.number == number), None
    )
    if page is None:
        raise NotFound("Trang chưa được nhận dạng", detail={"id": document_id, "page": number})
    ctx.audit.record(
        actor,
        AuditAction.READ,
        object_type="page",
        object_id=f"{document_id}/{number}",
        dossier_code=dossier_code,
    )
    return PageResult.model_validate_json(ctx.store.get(page.result_key))


def page_image(ctx: Context, actor: Actor, document_id: str, number: int, width: int) -> bytes:
    dossier_code = document_for(ctx, actor, document_id)
    row = ctx.catalog.get_document(document_id)
    ctx.audit.record(
        actor,
        AuditAction.READ,
        object_type="page",
        object_id=f"{document_id}/{number}",
        dossier_code=dossier_code,
        detail="preview",
    )
    return page_preview(
        ctx.store.get(row.object_key), number, width=width, max_pixels=ctx.settings.max_pixels
    )
