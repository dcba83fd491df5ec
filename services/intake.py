"""Intake: a dossier is opened, scans come in, each is checked and stored durably, then queued.

Order of writes, so that a crash at any point leaves nothing pointing at nothing:
1. every file of the request is checked (type sniffed, fully decoded, limits) before anything is
   written: one bad file refuses the whole request and nothing is half-written;
2. each original is streamed to the object store (fsync'd locally, multipart on S3;
   content-addressed, so a retry or a second upload of the same bytes stores nothing new);
3. the documents and their links to the dossier are committed in one transaction;
only then does the caller answer 2xx. A crash between 2 and 3 leaves an unreferenced object,
which the orphan sweep removes; never a row without its object.

Uploads arrive as binary streams (Starlette spools them to temporary files): each is hashed
while it is read, with the size limit enforced on the way, and streamed from its file to the
store, so a request is never held whole in memory. (`ocr.load.inspect` takes bytes, so one
file at a time is read whole to be decoded; decoding needs its pixels in memory anyway.)
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from models.audit import AuditEvent
from models.auth import Actor, AuditAction, Permission
from models.catalog import Dossier
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
from models.schemas import AcceptedDocument, DossierCreate
from ocr.load import FileInfo, inspect
from services import reuse
from services.access import changeable_document, dossier_for, require
from services.context import Context
from storage.catalog.repository import NewDocument
from storage.keys import original_key

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its client-side name and a readable binary stream of its bytes."""

    filename: str
    stream: BinaryIO
    document_id: str | None = None
    """Set by callers that must be idempotent (the backfile); new uploads get a random id."""


@dataclass(frozen=True)
class _Checked:
    upload: Upload
    file: BinaryIO  # seekable, positioned at the start of the bytes
    sha256: str
    size: int
    info: FileInfo
    name: str  # the checked display name


def create_dossier(ctx: Context, actor: Actor, new: DossierCreate) -> Dossier:
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
        audit=[
            AuditEvent(
                actor, AuditAction.CREATE, "dossier", object_id=new.code, dossier_code=new.code
            )
        ],
    )
    return row


def upload_documents(
    ctx: Context,
    actor: Actor,
    dossier_code: str,
    uploads: Sequence[Upload],
    *,
    assess: bool = True,
    decode: bool = True,
) -> list[AcceptedDocument]:
    """Store the scans and queue them for recognition; return the documents with the quality
    verdict of each page, so the clerk can rescan at once.

    A file whose exact bytes are a paper the actor may already see (services/reuse.py) is not
    stored or queued again: that paper is linked to the dossier as a reused component and its
    id answered, marked `reused`.

    `assess=False` skips that verdict (the backfile: nobody stands at a counter to rescan, and
    the worker makes the same verdict again while recognising; at ~0.05 s a page it was a tenth
    of the backfile's per-page work, done in the one process that feeds every worker), and
    `decode=False` proves a PNG whole by its checksums instead of decoding it (`ocr.load.inspect`).
    """
    settings = ctx.settings
    # 403/404 before reading a single byte of the files
    dossier = dossier_for(ctx, actor, dossier_code, Permission.UPLOAD)
    if not uploads:
        raise NoFiles()
    if len(uploads) > settings.max_files_per_request:
        raise TooManyFiles(detail={"files": len(uploads), "max": settings.max_files_per_request})
    with ExitStack() as temporaries:
        checked = [
            _check(ctx, upload, temporaries, assess=assess, decode=decode) for upload in uploads
        ]
        ids: dict[str, str] = {}  # sha256 -> the paper these bytes are
        reused: set[str] = set()
        documents = []
        for item in checked:
            if item.sha256 in ids:
                continue  # the same file twice in one request: one paper
            # a caller naming its ids (the backfile) keeps them: it resumes by them
            existing = (
                None
                if item.upload.document_id is not None
                else reuse.exact_duplicate(ctx, dossier.agency_code, item.sha256)
            )
            if existing is not None:
                ids[item.sha256] = existing
                reused.add(existing)
                continue
            document = _store(ctx, item, dossier.applicant_id)
            ids[item.sha256] = document.id
            documents.append(document)
    uploaded = [
        AuditEvent(
            actor,
            AuditAction.UPLOAD,
            "document",
            object_id=document.id,
            dossier_code=dossier_code,
            detail=document.filename,
        )
        for document in documents
    ]
    # the papers, their links and their audit rows: one transaction
    ctx.catalog.add_documents(dossier_code, documents, audit=uploaded)
    # committed `queued`: now, and only now, have them recognised (a reused paper never is)
    ctx.dispatcher.recognise([document.id for document in documents])
    for document_id in reused:
        # exact duplicate: never recognised twice; the existing paper joins the dossier (or is
        # in it already: then nothing changes and nothing is audited)
        linked = AuditEvent(
            actor,
            AuditAction.LINK,
            "document",
            object_id=document_id,
            dossier_code=dossier_code,
            detail="reused: the same file was uploaded again",
        )
        reuse.link(ctx, dossier_code, document_id, audit=[linked])
    return [
        AcceptedDocument(
            id=ids[item.sha256],
            filename=item.name,
            page_count=item.info.page_count,
            quality=[v.issues if v is not None else None for v in item.info.quality],
            reused=ids[item.sha256] in reused,
        )
        for item in checked
    ]


def _store(ctx: Context, item: _Checked, owner_id: str) -> NewDocument:
    key = original_key(item.sha256)
    content_type = item.info.format.content_type
    # Skip the write only when a row already references the object: an unreferenced one may
    # be an orphan the sweep is about to delete, so it is written again (same bytes, same key),
    # which also renews its age.
    if not (ctx.catalog.find_by_sha256(item.sha256) and ctx.store.exists(key)):
        ctx.store.put(key, item.file, content_type=content_type, sha256=item.sha256)
    return NewDocument(
        id=item.upload.document_id or uuid.uuid4().hex,
        sha256=item.sha256,
        object_key=key,
        filename=item.name,
        content_type=content_type,
        size=item.size,
        page_count=item.info.page_count,
        # One-stop systems file a submitted paper in its applicant's data store (that is where
        # reuse looks); a clerk corrects it for a paper of someone else (a child's birth paper).
        owner_id=owner_id,
        quality=json.dumps(
            [v.model_dump(mode="json") if v else None for v in item.info.quality],
            ensure_ascii=False,
        ),
    )


def _check(
    ctx: Context,
    upload: Upload,
    temporaries: ExitStack,
    *,
    assess: bool = True,
    decode: bool = True,
) -> _Checked:
    settings = ctx.settings
    try:
        file, sha256, size = _spool(upload.stream, settings.max_upload_bytes, temporaries)
        # inspect() decodes from bytes: one file at a time is in memory, then released.
        info = inspect(
            file.read(),
            max_pages=settings.max_pages,
            max_pixels=settings.max_pixels,
            max_file_pixels=settings.max_file_pixels,
            decode_timeout=settings.decode_timeout,
            assess=assess,  # the clerk sees a blurred or blank scan in the 202, not minutes later
            decode=decode,
        )
        file.seek(0)
        return _Checked(upload, file, sha256, size, info, safe_filename(upload.filename, info))
    except TooManyPages as exc:
        exc.detail = {"file": upload.filename, **(exc.detail or {})}
        raise
    except SohoaError as exc:
        # Name the file: with several files in one request the clerk must know which to rescan.
        exc.detail = {"file": upload.filename, "reason": exc.detail}
        raise


def _spool(stream: BinaryIO, limit: int, temporaries: ExitStack) -> tuple[BinaryIO, str, int]:
    """Hash `stream` in chunks, refusing it past `limit` bytes; return a seekable file of it.

    A seekable stream (Starlette's spooled upload) is read in place and rewound; any other is
    copied to a temporary file removed when the request ends.
    """
    seekable = stream.seekable()
    if seekable:
        stream.seek(0)
    # closed (and so deleted) by the request's ExitStack
    spooled = stream if seekable else temporaries.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
    file: BinaryIO = spooled
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(detail={"bytes_read": size, "max": limit})
        digest.update(chunk)
        if not seekable:
            file.write(chunk)
    file.seek(0)
    return file, digest.hexdigest(), size


def safe_filename(name: str, info: FileInfo) -> str:
    """The client's file name, for display only (never used as a path), or InvalidFilename.

    A name with a path in it ("../../etc/passwd") or control characters is refused outright
    rather than cleaned: no scanner produces one, so it is a probe.
    """
    if any(sep in name for sep in ("/", "\\")) or name in (".", "..") or not name.isprintable():
        raise InvalidFilename(detail={"file": name[:200]})
    base = name.strip() or "scan"
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = base, info.format.extension.lstrip(".")
    # cut the stem, not the end: the extension is how the clerk's computer opens the download
    return stem[: 200 - len(extension) - 1] + "." + extension


def replace_scan(ctx: Context, actor: Actor, document_id: str, upload: Upload) -> None:
    """Rescan: the paper keeps its id, links and metadata, gets the new scan, is recognised again.

    Checked and stored exactly like an upload; the earlier original's key goes to the audit log
    (the object itself stays until no row references it and the sweep's grace has passed).
    """
    dossier = changeable_document(ctx, actor, document_id)
    dossier_code = dossier.code
    with ExitStack() as temporaries:
        item = _check(ctx, upload, temporaries)
        new = _store(ctx, item, dossier.applicant_id)
    # the paper is queued again with its new scan, in the same transaction that drops its old
    # pages and writes the audit row; a worker still reading the old scan loses its claim
    previous = ctx.catalog.get_document(document_id).object_key
    rescanned = AuditEvent(
        actor,
        AuditAction.CHANGE,
        "document",
        object_id=document_id,
        dossier_code=dossier_code,
        detail=f"rescan: {previous} -> {new.object_key}",
    )
    ctx.papers.replace_original(
        document_id,
        sha256=new.sha256,
        object_key=new.object_key,
        content_type=new.content_type,
        size=new.size,
        page_count=new.page_count,
        filename=new.filename,
        quality=new.quality,
        audit=[rescanned],
    )
    ctx.search.index_document(document_id)  # the old scan's text is found no more
    ctx.dispatcher.recognise([document_id])
