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

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from models.errors import FileTooLarge, NoFiles, SohoaError, TooManyFiles, TooManyPages
from models.schemas import AcceptedDocument, DossierCreate
from ocr.load import FileInfo, inspect
from services.context import Context
from storage.catalog.repository import NewDocument
from storage.catalog.tables import DossierRow
from storage.keys import original_key
from storage.objects import sha256_hex


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def create_dossier(ctx: Context, new: DossierCreate) -> DossierRow:
    return ctx.catalog.create_dossier(
        code=new.code,
        procedure_code=new.procedure_code,
        applicant_name=new.applicant_name,
        applicant_id=new.applicant_id,
    )


def upload_documents(
    ctx: Context, dossier_code: str, uploads: Sequence[Upload]
) -> list[AcceptedDocument]:
    """Store the scans and queue them for recognition; return the new documents with the
    quality verdict of each page, so the clerk can rescan at once."""
    settings = ctx.settings
    ctx.catalog.get_dossier(dossier_code)  # 404 before reading a single byte of the files
    if not uploads:
        raise NoFiles()
    if len(uploads) > settings.max_files_per_request:
        raise TooManyFiles(detail={"files": len(uploads), "max": settings.max_files_per_request})
    checked = [(upload, _check(ctx, upload)) for upload in uploads]

    documents: list[NewDocument] = []
    for upload, info in checked:
        sha = sha256_hex(upload.data)
        key = original_key(sha)
        if not ctx.store.exists(key):
            ctx.store.put(key, upload.data, content_type=info.format.content_type)
        documents.append(
            NewDocument(
                id=uuid.uuid4().hex,
                sha256=sha,
                object_key=key,
                filename=safe_filename(upload.filename, info),
                content_type=info.format.content_type,
                size=len(upload.data),
                page_count=info.page_count,
                quality=json.dumps(
                    [v.model_dump(mode="json") if v else None for v in info.quality],
                    ensure_ascii=False,
                ),
            )
        )
    ctx.catalog.add_documents(dossier_code, documents)
    return [
        AcceptedDocument(
            id=document.id,
            filename=document.filename,
            page_count=info.page_count,
            quality=[v.issues if v is not None else None for v in info.quality],
        )
        for document, (_, info) in zip(documents, checked, strict=True)
    ]


def _check(ctx: Context, upload: Upload) -> FileInfo:
    settings = ctx.settings
    try:
        if len(upload.data) > settings.max_upload_bytes:
            raise FileTooLarge(detail={"bytes": len(upload.data), "max": settings.max_upload_bytes})
        return inspect(
            upload.data,
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
            assess=True,  # the clerk sees a blurred or blank scan in the 202, not minutes later
        )
    except TooManyPages as exc:
        exc.detail = {"file": upload.filename, **(exc.detail or {})}
        raise
    except SohoaError as exc:
        # Name the file: with several files in one request the clerk must know which to rescan.
        exc.detail = {"file": upload.filename, "reason": exc.detail}
        raise


def safe_filename(name: str, info: FileInfo) -> str:
    """The client's file name without any path, for display only (never used as a path)."""
    base = PurePath(name.replace("\\", "/")).name.strip() or "scan"
    return base[:200] if "." in base else base[:200] + info.format.extension
