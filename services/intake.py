"""Intake: a dossier is opened, scans come in, each is checked and stored durably, then queued.

Order of writes, so that a crash at any point leaves nothing pointing at nothing:
1. every file of the request is checked (type sniffed, fully decoded, limits) before anything is
   written: one bad file refuses the whole request and nothing is half-written;
2. each original is written to the object store (fsync'd; content-addressed, so a retry or a
   second upload of the same bytes stores nothing new);
3. the documents and their links to the dossier are committed in one transaction;
only then does the caller answer 2xx. A crash between 2 and 3 leaves an unreferenced object,
which the orphan sweep removes; never a row without its object.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from models.auth import Actor, AuditAction, Permission
from models.codes import agency_of
from models.errors import (
    FileTooLarge,
    Forbidden,
    InvalidFilename,
    NoFiles,
    SohoaError,
    TooManyFiles,
    TooManyPages,
)
from models.schemas import DossierCreate
from ocr.load import FileInfo, inspect
from services.access import dossier_for, require
from services.context import Context
from storage.catalog.repository import NewDocument
from storage.catalog.tables import DossierRow
from storage.keys import original_key
from storage.objects import sha256_hex


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    document_id: str | None = None
    """Set by callers that must be idempotent (the backfile); new uploads get a random id."""


def create_dossier(ctx: Context, actor: Actor, new: DossierCreate) -> DossierRow:
    """Open a dossier; a clerk opens dossiers only for the agency that received them."""
    require(actor, Permission.CREATE_DOSSIER)
    agency = agency_of(new.code)
    if not actor.principal.sees_agency(agency):
        raise Forbidden(
            "Bạn chỉ được tiếp nhận hồ sơ của cơ quan mình",
            detail={"agency_code": agency, "yours": actor.principal.agency_code},
        )
    row = ctx.catalog.create_dossier(
        code=new.code,
        procedure_code=new.procedure_code,
        applicant_name=new.applicant_name,
        applicant_id=new.applicant_id,
        agency_code=agency,
    )
    ctx.audit.record(
        actor, AuditAction.CREATE, object_type="dossier", object_id=new.code, dossier_code=new.code
    )
    return row


def upload_documents(
    ctx: Context, actor: Actor, dossier_code: str, uploads: Sequence[Upload]
) -> list[str]:
    """Store the scans and queue them for recognition; return the new document ids."""
    settings = ctx.settings
    # 403/404 before reading a single byte of the files
    dossier_for(ctx, actor, dossier_code, Permission.UPLOAD)
    if not uploads:
        raise NoFiles()
    if len(uploads) > settings.max_files_per_request:
        raise TooManyFiles(detail={"files": len(uploads), "max": settings.max_files_per_request})
    checked = [(upload, _check(ctx, upload)) for upload in uploads]
    names = [safe_filename(upload.filename, info) for upload, info in checked]

    documents: list[NewDocument] = []
    for (upload, info), name in zip(checked, names, strict=True):
        sha = sha256_hex(upload.data)
        key = original_key(sha)
        if not ctx.store.exists(key):
            ctx.store.put(key, upload.data, content_type=info.format.content_type)
        documents.append(
            NewDocument(
                id=upload.document_id or uuid.uuid4().hex,
                sha256=sha,
                object_key=key,
                filename=name,
                content_type=info.format.content_type,
                size=len(upload.data),
                page_count=info.page_count,
            )
        )
    ctx.catalog.add_documents(dossier_code, documents)
    for document in documents:
        ctx.audit.record(
            actor,
            AuditAction.UPLOAD,
            object_type="document",
            object_id=document.id,
            dossier_code=dossier_code,
            detail=document.filename,
        )
    return [document.id for document in documents]


def _check(ctx: Context, upload: Upload) -> FileInfo:
    settings = ctx.settings
    try:
        if len(upload.data) > settings.max_upload_bytes:
            raise FileTooLarge(detail={"bytes": len(upload.data), "max": settings.max_upload_bytes})
        return inspect(upload.data, max_pages=settings.max_pages, max_pixels=settings.max_pixels)
    except TooManyPages as exc:
        exc.detail = {"file": upload.filename, **(exc.detail or {})}
        raise
    except SohoaError as exc:
        # Name the file: with several files in one request the clerk must know which to rescan.
        exc.detail = {"file": upload.filename, "reason": exc.detail}
        raise


def safe_filename(name: str, info: FileInfo) -> str:
    """The client's file name, for display only (never used as a path), or InvalidFilename.

    A name with a path in it ("../../etc/passwd") or control characters is refused outright
    rather than cleaned: no scanner produces one, so it is a probe.
    """
    if any(sep in name for sep in ("/", "\\")) or name in (".", "..") or not name.isprintable():
        raise InvalidFilename(detail={"file": name[:200]})
    base = name.strip() or "scan"
    return base[:200] if "." in base else base[:200] + info.format.extension
