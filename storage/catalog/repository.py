"""The catalog's verbs: every SQL statement sohoa runs lives here, none in services or api.

The documents table doubles as the durable work queue of the embedded default: a document is
`queued` until a worker claims it (`processing`), and a worker that dies leaves it `processing`
until `requeue_interrupted` puts it back at the next start. Nothing is lost with the process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from models.catalog import DocumentStatus, DossierStatus
from models.errors import Conflict, NotFound
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.tables import (
    DocumentRow,
    DossierDocumentRow,
    DossierRow,
    PageRow,
    utcnow,
)


@dataclass(frozen=True)
class NewDocument:
    id: str
    sha256: str
    object_key: str
    filename: str
    content_type: str
    size: int
    page_count: int


@dataclass(frozen=True)
class Claim:
    document: DocumentRow | None
    """The claimed document, or None: finished already, or `busy` (another worker has it)."""
    busy: bool


@dataclass(frozen=True)
class NewPage:
    number: int
    text: str
    mean_confidence: float | None
    source: str
    result_key: str


class Catalog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    def ping(self) -> None:
        with unavailable_as_ours(), self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    # -- dossiers -------------------------------------------------------------------------

    def create_dossier(
        self,
        *,
        code: str,
        procedure_code: str,
        applicant_name: str,
        applicant_id: str,
        agency_code: str,
    ) -> DossierRow:
        row = DossierRow(
            code=code,
            agency_code=agency_code,
            procedure_code=procedure_code,
            applicant_name=applicant_name,
            applicant_id=applicant_id,
            status=DossierStatus.RECEIVED,
        )
        with unavailable_as_ours(), self._sessions() as session:
            session.add(row)
            try:
                session.commit()
            except SqlIntegrityError as exc:
                raise Conflict(
                    "Mã hồ sơ đã tồn tại", detail={"field": "code", "value": code}
                ) from exc
            return self.get_dossier(code)

    def get_dossier(self, code: str) -> DossierRow:
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(
                select(DossierRow)
                .where(DossierRow.code == code)
                .options(selectinload(DossierRow.links).selectinload(DossierDocumentRow.document))
            )
        if row is None:
            raise NotFound("Không tìm thấy hồ sơ", detail={"code": code})
        return row

    # -- documents ------------------------------------------------------------------------

    def add_documents(self, dossier_code: str, documents: Sequence[NewDocument]) -> None:
        """Record the documents and link them to the dossier, all in one transaction."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            dossier = session.scalar(select(DossierRow).where(DossierRow.code == dossier_code))
            if dossier is None:
                raise NotFound("Không tìm thấy hồ sơ", detail={"code": dossier_code})
            position = (
                session.scalar(
                    select(func.count()).where(DossierDocumentRow.dossier_id == dossier.id)
                )
                or 0
            )
            for offset, new in enumerate(documents):
                session.add(
                    DocumentRow(
                        id=new.id,
                        sha256=new.sha256,
                        object_key=new.object_key,
                        filename=new.filename,
                        content_type=new.content_type,
                        size=new.size,
                        page_count=new.page_count,
                        status=DocumentStatus.QUEUED,
                        attempts=0,
                    )
                )
                session.flush()
                session.add(
                    DossierDocumentRow(
                        dossier_id=dossier.id, document_id=new.id, position=position + offset
                    )
                )
            dossier.status = DossierStatus.PROCESSING

    def get_document(self, document_id: str) -> DocumentRow:
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(
                select(DocumentRow)
                .where(DocumentRow.id == document_id)
                .options(selectinload(DocumentRow.pages))
            )
        if row is None:
            raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
        return row

    def document_dossiers(self, document_id: str) -> list[tuple[str, str]]:
        """(dossier code, agency code) of every dossier the document belongs to."""
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.execute(
                select(DossierRow.code, DossierRow.agency_code)
                .join(DossierDocumentRow, DossierDocumentRow.dossier_id == DossierRow.id)
                .where(DossierDocumentRow.document_id == document_id)
            ).all()
        return [(code, agency) for code, agency in rows]

    def object_keys(self) -> set[str]:
        """Every object key a row references (originals and page results)."""
        with unavailable_as_ours(), self._sessions() as session:
            keys = set(session.scalars(select(DocumentRow.object_key)))
            keys.update(session.scalars(select(PageRow.result_key)))
        return keys

    # -- the work queue -------------------------------------------------------------------

    def claim_next(self) -> DocumentRow | None:
        """Atomically move the oldest queued document to `processing` and return it."""
        with unavailable_as_ours(), self._sessions() as session:
            while True:
                candidate = session.scalar(
                    select(DocumentRow.id)
                    .where(DocumentRow.status == DocumentStatus.QUEUED)
                    .order_by(DocumentRow.created_at, DocumentRow.id)
                    .limit(1)
                )
                if candidate is None:
                    return None
                if _claim(session, candidate, DocumentRow.status == DocumentStatus.QUEUED):
                    return self.get_document(candidate)

    def claim(self, document_id: str, *, stale_after: timedelta | None = None) -> Claim:
        """Compare-and-set one document to `processing`, for a task that names its document.

        A document another worker holds is `busy`, unless that worker has held it longer than
        `stale_after` (it died: its broker message comes back after the same delay).
        """
        claimable = DocumentRow.status == DocumentStatus.QUEUED
        if stale_after is not None:
            claimable = or_(
                claimable,
                and_(
                    DocumentRow.status == DocumentStatus.PROCESSING,
                    DocumentRow.updated_at < utcnow() - stale_after,
                ),
            )
        with unavailable_as_ours(), self._sessions() as session:
            claimed = _claim(session, document_id, claimable)
        if claimed:
            return Claim(self.get_document(document_id), busy=False)
        current = self.get_document(document_id)
        return Claim(None, busy=current.status == DocumentStatus.PROCESSING)

    def finish(
        self,
        document_id: str,
        *,
        pages: Sequence[NewPage],
        status: DocumentStatus,
        reason: str | None,
        mean_confidence: float | None,
    ) -> None:
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            document = session.get(DocumentRow, document_id)
            if document is None:
                raise NotFound(detail={"id": document_id})
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
                for p in pages
            )
            document.status = status
            document.reason = reason
            document.mean_confidence = mean_confidence
            self._settle_dossiers(session, document_id)

    def set_status(self, document_id: str, status: DocumentStatus, reason: str | None) -> None:
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(status=status, reason=reason, updated_at=utcnow())
            )
            self._settle_dossiers(session, document_id)

    def queued_before(self, cutoff: datetime, limit: int) -> list[str]:
        """Ids of documents waiting in `queued` since before `cutoff`, oldest first."""
        with unavailable_as_ours(), self._sessions() as session:
            return list(
                session.scalars(
                    select(DocumentRow.id)
                    .where(
                        DocumentRow.status == DocumentStatus.QUEUED,
                        DocumentRow.updated_at < cutoff,
                    )
                    .order_by(DocumentRow.updated_at)
                    .limit(limit)
                )
            )

    def requeue_interrupted(self) -> int:
        """Put back every document a dead worker left in `processing`; return how many."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            result = session.execute(
                update(DocumentRow)
                .where(DocumentRow.status == DocumentStatus.PROCESSING)
                .values(status=DocumentStatus.QUEUED, updated_at=utcnow())
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    @staticmethod
    def _settle_dossiers(session: Session, document_id: str) -> None:
        """A dossier is completed when none of its documents is still queued or processing."""

        session.flush()
        dossier_ids = session.scalars(
            select(DossierDocumentRow.dossier_id).where(
                DossierDocumentRow.document_id == document_id
            )
        ).all()
        unfinished = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
        for dossier_id in dossier_ids:
            pending = session.scalar(
                select(func.count())
                .select_from(DossierDocumentRow)
                .join(DocumentRow, DocumentRow.id == DossierDocumentRow.document_id)
                .where(
                    DossierDocumentRow.dossier_id == dossier_id, DocumentRow.status.in_(unfinished)
                )
            )
            session.execute(
                update(DossierRow)
                .where(DossierRow.id == dossier_id)
                .values(
                    status=DossierStatus.PROCESSING if pending else DossierStatus.COMPLETED,
                    updated_at=utcnow(),
                )
            )


def _claim(session: Session, document_id: str, claimable: ColumnElement[bool]) -> bool:
    """Compare-and-set: of two workers racing for one row, exactly one updates it."""
    claimed = session.execute(
        update(DocumentRow)
        .where(DocumentRow.id == document_id, claimable)
        .values(
            status=DocumentStatus.PROCESSING,
            attempts=DocumentRow.attempts + 1,
            updated_at=utcnow(),
        )
    )
    session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
