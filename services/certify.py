"""Certified electronic copies: an officer makes a "SAO Y", "SAO LỤC" or "TRÍCH SAO" of a
recognised paper, signed with the agency's key, kept as the dossier's electronic result.

Decree 30/2020/NĐ-CP art. 25-26 and appendix I part II.I (docs/certified-copies.md). The copy
is a paper of its own (role "result", status done): the 766 report counts it as an electronic
result, and it is fetched like any paper, by `GET /documents/{id}/original` or a signed link.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pikepdf

from models.audit import AuditEvent
from models.auth import Actor, AuditAction, Permission
from models.catalog import DocumentStatus, Paper
from models.certification import CertifiedCopyPublic, CopyType, Verification
from models.codes import agency_of
from models.errors import InvalidInput, NotFound, NotReady, SigningUnavailable
from services import queries, signing, verification
from services.access import document_for, require
from services.context import Context
from storage.catalog.repository import NewDocument
from storage.keys import original_key, pdf_key_of
from storage.objects import sha256_hex


def searchable_pdf_of(ctx: Context, paper: Paper) -> bytes:
    """The PDF a copy is made from: the paper's searchable PDF as recognition stored it.

    The one place to swap in the PDF/A-2b writer (issue 20's first half) when it lands: a
    copy is signed over whatever this returns, by an incremental update that keeps it as is."""
    if DocumentStatus(paper.status) not in (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW):
        raise NotReady(detail={"id": paper.id, "status": paper.status})
    if not paper.recognised:
        raise NotFound("Tài liệu không có bản PDF", detail={"id": paper.id})
    return ctx.store.get(pdf_key_of(paper.recognised[0].result_key))


@contextmanager
def agency_key(ctx: Context, agency_code: str) -> Iterator[signing.AgencyKey]:
    """The configured key (SOHOA_CERTIFY_*), if it is this agency's: on a PKCS#11 token when
    one is configured, else from the PKCS#12 file."""
    settings = ctx.settings
    if settings.certify_agency_code not in (None, agency_code):
        raise SigningUnavailable(
            "Chưa có chứng thư số của cơ quan này để ký bản sao",
            detail={"agency_code": agency_code},
        )
    if settings.certify_pkcs11_module is not None:
        pin = settings.certify_pkcs11_pin
        with signing.pkcs11_key(
            settings.certify_pkcs11_module,
            settings.certify_pkcs11_token or "",
            settings.certify_pkcs11_key or "",
            pin.get_secret_value() if pin else None,
        ) as key:
            yield key
        return
    if settings.certify_pkcs12 is None:
        raise SigningUnavailable(detail="neither SOHOA_CERTIFY_PKCS11_MODULE nor _PKCS12 is set")
    password = settings.certify_pkcs12_password
    yield signing.load_pkcs12(
        settings.certify_pkcs12, password.get_secret_value() if password else None
    )


def extract(pdf: bytes, pages: list[int]) -> bytes:
    """A "TRÍCH SAO" of some pages: the same file with only those pages, in that order (its
    metadata and output intent kept, so a PDF/A stays one)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        count = len(document.pages)
        wrong = [n for n in pages if not 1 <= n <= count]
        if wrong or len(set(pages)) != len(pages):
            raise InvalidInput(
                "Số trang trích sao không hợp lệ", detail={"pages": pages, "page_count": count}
            )
        kept = [document.pages[n - 1] for n in pages]
        for index in reversed(range(count)):
            del document.pages[index]
        document.pages.extend(kept)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def certify(
    ctx: Context,
    actor: Actor,
    document_id: str,
    copy_type: CopyType,
    pages: list[int] | None = None,
) -> CertifiedCopyPublic:
    """Build, stamp and sign the copy; store it; record it as the dossier's result, audited in
    the same transaction. 403 without the certify permission, 404 for another agency's paper,
    409 while it is being recognised or when the agency's certificate cannot sign."""
    require(actor, Permission.CERTIFY)
    dossier_code = document_for(ctx, actor, document_id)
    source = ctx.catalog.get_document(document_id)
    if pages is not None and copy_type is not CopyType.TRICH_SAO:
        raise InvalidInput(
            "Chỉ bản trích sao mới chọn trang", detail={"copy_type": copy_type, "pages": pages}
        )
    pdf = searchable_pdf_of(ctx, source)
    if pages is not None:
        pdf = extract(pdf, pages)
    with agency_key(ctx, agency_of(dossier_code)) as key:
        agency_name = ctx.settings.certify_agency_name or key.name()
        signer_subject = key.subject
        signed = signing.sign(
            pdf,
            key,
            copy_type=copy_type,
            agency_name=agency_name,
            font=ctx.settings.certify_font,
            timestamper=signing.timestamper_for(ctx.settings.certify_tsa_url),
            signed_at=datetime.now(UTC),
        )
    digest = sha256_hex(signed.data)
    store_key = original_key(digest)
    ctx.store.put(store_key, signed.data, content_type="application/pdf", sha256=digest)
    copy_id = uuid.uuid4().hex
    ctx.catalog.add_documents(
        dossier_code,
        [
            NewDocument(
                id=copy_id,
                sha256=digest,
                object_key=store_key,
                filename=f"{Path(source.filename).stem}-{copy_type.value.replace('_', '-')}.pdf",
                content_type="application/pdf",
                size=len(signed.data),
                page_count=len(pages) if pages is not None else source.page_count,
                owner_id=source.owner_id,
                owner_name=source.owner_name,
                kind_code=source.kind_code,
                role="result",
                digitized_by=actor.principal.username,
            )
        ],
        audit=[
            AuditEvent(
                actor,
                AuditAction.CERTIFY,
                object_type="document",
                object_id=copy_id,
                dossier_code=dossier_code,
                detail=f"{copy_type.value} of {document_id}"
                + (f" pages {','.join(map(str, pages))}" if pages is not None else ""),
            )
        ],
        recognise=False,
    )
    return CertifiedCopyPublic(
        id=copy_id,
        source_id=document_id,
        dossier_code=dossier_code,
        copy_type=copy_type,
        agency_name=agency_name,
        signed_at=signed.signed_at,
        stamp=signed.stamp,
        signer_subject=signer_subject,
        timestamped=signed.timestamped,
        sha256=digest,
        size=len(signed.data),
    )


def verify_copy(ctx: Context, actor: Actor, copy_id: str) -> Verification:
    """Verify a stored copy as a recipient would: authorised and audited like a read."""
    paper = queries.read_authorised(ctx, actor, copy_id, AuditAction.READ, "verification")
    if paper.content_type != "application/pdf":
        raise NotFound("Tài liệu không phải bản sao điện tử", detail={"id": copy_id})
    roots = verification.load_trust_roots(ctx.settings.certify_trust_roots)
    report = verification.verify(ctx.store.get(paper.object_key), roots)
    if report.verdict == "unsigned":
        raise NotFound("Tài liệu không phải bản sao điện tử có chữ ký số", detail={"id": copy_id})
    return report
