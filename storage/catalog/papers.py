"""What is written on a paper: recognition's result, and what a clerk changes (its metadata, a
page's text, its place in a dossier, its scan).

Nothing here destroys a record: a correction sits beside recognition's text, a removal from a
dossier hides the link, a rescan keeps the earlier original's key in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select, update

from models import trace
from models.audit import AuditEvent
from models.catalog import Claimed, DocumentStatus, JobState
from models.errors import NotFound
from storage.catalog.audit import add_events
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.queue import held_by
from storage.catalog.settling import settle_dossiers, update_job
from storage.catalog.tables import DocumentRow, DossierDocumentRow, DossierRow, PageRow, utcnow

EDITABLE = frozenset(
    {
        "kind_code",
        "number_symbol",
        "issue_date",
        "issuer",
        "signer",
        "summary",
        "valid_until",
        "permanent",
        "validity_scope",
        "owner_name",
        "owner_id",
        "role",
    }
)
OWNER_BY_CLERK = "clerk"
_OWNER_REPLACEABLE = (None, "intake", "reading")


@dataclass(frozen=True)
class NewPage:
    number: int
    text: str
    mean_confidence: float | None
    source: str
    result_key: str


@dataclass(frozen=True)
class Recognition:
    """What recognising a scan found: pages, verdict, and the paper's reading."""

    pages: Sequence[NewPage]
    status: DocumentStatus
    reason: str | None
    mean_confidence: float | None
    quality: str | None = None
    reading: str | None = None
    """JSON PaperReading; None when reading the paper failed (the text is recorded anyway)."""
    found: Mapping[str, Any] | None = None
    """The metadata columns the reading fills (services/reading.metadata_of)."""


class Papers:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def record_recognition(self, claimed: Claimed, recognition: Recognition) -> bool:
        """Record a recognition, status, reading and all, in one transaction, and end the claim;
        False, and nothing written, when the claim is no longer this worker's: its lease was
        taken over, or the paper was rescanned (a late result of the old scan is dropped)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            document = session.scalar(select(DocumentRow).where(*held_by(claimed)))
            if document is None:
                return False
            document.pages.clear()
            session.flush()
            document.pages.extend(
                PageRow(
                    number=p.number,
                    text=p.text,
                    mean_confidence=p.mean_confidence,
                    source=p.source,
                    result_key=p.result_key,
                )
                for p in recognition.pages
            )
            document.status = recognition.status
            document.reason = recognition.reason
            document.mean_confidence = recognition.mean_confidence
            document.lease_owner = None
            document.lease_until = None
            if recognition.quality is not None:
                document.quality = recognition.quality
            if recognition.reading is not None:
                _apply_reading(document, recognition.reading, recognition.found or {})
            failed = recognition.status == DocumentStatus.FAILED
            update_job(
                session,
                claimed.id,
                state=JobState.for_document(recognition.status),
                error=recognition.reason if failed else None,
                finished_at=utcnow(),
            )
            settle_dossiers(session, claimed.id)
            return True

    def update_metadata(
        self, document_id: str, values: Mapping[str, Any], audit: Sequence[AuditEvent] = ()
    ) -> None:
        unknown = set(values) - EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if "owner_id" in values:
            values = {**values, "owner_source": OWNER_BY_CLERK}
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, audit)
            changed = session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(updated_at=utcnow(), **values)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})

    def set_duplicate_of(self, document_id: str, earlier_id: str | None) -> None:
        """Mark the paper a rescan of `earlier_id` (None: it is not one). Not a clerk's field:
        set by near-duplicate detection (services/reuse.py)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(duplicate_of=earlier_id)
            )

    def record_reading(self, document_id: str, reading: str, found: Mapping[str, Any]) -> None:
        """Keep what extraction read (`reading`, JSON) and fill the metadata columns it found
        that are still empty: a value a clerk set is never overwritten by a machine's guess.

        The owner is the exception to "still empty": intake files a paper under the applicant
        by default, and an ID read off the paper (a child's birth paper carries the child's)
        replaces that default, or an earlier reading's, but never the owner a clerk set.
        """
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            document = session.get(DocumentRow, document_id)
            if document is None:
                raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
            _apply_reading(document, reading, found)

    def correct_page(
        self,
        document_id: str,
        number: int,
        text: str,
        by: str,
        audit: Sequence[AuditEvent] = (),
    ) -> datetime:
        now = utcnow()
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, audit)
            changed = session.execute(
                update(PageRow)
                .where(PageRow.document_id == document_id, PageRow.number == number)
                .values(corrected_text=text, corrected_by=by, corrected_at=now)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                raise NotFound(
                    "Trang chưa được nhận dạng hoặc không tồn tại",
                    detail={"id": document_id, "page": number},
                )
        return now

    def set_link_removed(
        self,
        dossier_code: str,
        document_id: str,
        by: str | None,
        audit: Sequence[AuditEvent] = (),
    ) -> bool:
        """Hide (by=name) or show again (by=None) a paper in a dossier; False if not linked
        (then nothing is written, `audit` neither)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            dossier_id = session.scalar(
                select(DossierRow.id).where(DossierRow.code == dossier_code)
            )
            changed = session.execute(
                update(DossierDocumentRow)
                .where(
                    DossierDocumentRow.dossier_id == dossier_id,
                    DossierDocumentRow.document_id == document_id,
                )
                .values(removed_at=utcnow() if by else None, removed_by=by)
            )
            if changed.rowcount:  # type: ignore[attr-defined]
                add_events(session, audit)
            return bool(changed.rowcount)  # type: ignore[attr-defined]

    def replace_original(
        self,
        document_id: str,
        *,
        sha256: str,
        object_key: str,
        content_type: str,
        size: int,
        page_count: int,
        filename: str,
        quality: str | None,
        audit: Sequence[AuditEvent] = (),
    ) -> str:
        """Point the paper at a new scan and queue it again; return the previous object key."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, audit)
            document = session.get(DocumentRow, document_id)
            if document is None:
                raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
            previous = document.object_key
            session.execute(delete(PageRow).where(PageRow.document_id == document_id))
            document.sha256 = sha256
            document.object_key = object_key
            document.content_type = content_type
            document.size = size
            document.page_count = page_count
            document.filename = filename
            document.quality = quality
            document.status = DocumentStatus.QUEUED
            document.request_id = trace.current()  # the rescan's worker logs under it
            document.reason = None
            document.mean_confidence = None
            document.attempts = 0
            # a worker still reading the old scan holds a claim no more: its result is dropped
            document.lease_owner = None
            document.lease_until = None
            update_job(session, document_id, state=JobState.QUEUED, error=None, finished_at=None)
            settle_dossiers(session, document_id)
            return previous


def _apply_reading(document: DocumentRow, reading: str, found: Mapping[str, Any]) -> None:
    unknown = set(found) - EDITABLE
    if unknown:
        raise ValueError(f"not fillable: {sorted(unknown)}")
    document.reading = reading
    for column, value in found.items():
        if column == "owner_id":
            if document.owner_source in _OWNER_REPLACEABLE:
                document.owner_id = value
                document.owner_source = "reading"
        elif getattr(document, column) in (None, "", False):
            setattr(document, column, value)
