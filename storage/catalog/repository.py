"""The catalog's dossiers and documents: opening dossiers, recording papers and their links.

The work queue (claims, leases) is `storage/catalog/queue.py`; what a clerk changes on a paper
and what recognition records on it, `storage/catalog/papers.py`; the audit log,
`storage/catalog/audit.py`. No SQL lives in services or api.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.orm import selectinload

from models.audit import AuditEvent
from models.catalog import DocumentStatus, Dossier, DossierStatus, Job, JobState, Paper
from models.codes import received_on
from models.errors import Conflict, NotFound
from storage.catalog.audit import add_events
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.records import dossier_of, job_of, paper_of
from storage.catalog.settling import JOB_RECOGNISE, settle_dossiers, update_job
from storage.catalog.tables import (
    DocumentRow,
    DossierDocumentRow,
    DossierRow,
    JobRow,
    PageRow,
    utcnow,
)
from storage.keys import artefact_owner

_BATCH = 500


@dataclass(frozen=True)
class NewDocument:
    id: str
    sha256: str
    object_key: str
    filename: str
    content_type: str
    size: int
    page_count: int
    # metadata known at intake (design.md §5); the rest is filled later
    owner_id: str | None = None
    owner_name: str | None = None
    kind_code: str | None = None
    role: str = "submitted"
    digitized_by: str | None = None

    quality: str | None = None
    """JSON: the intake quality verdict of each page (models.recognition.QualityVerdict)."""


def _document_row(new: NewDocument, status: DocumentStatus) -> DocumentRow:
    return DocumentRow(
        id=new.id,
        sha256=new.sha256,
        object_key=new.object_key,
        filename=new.filename,
        content_type=new.content_type,
        size=new.size,
        page_count=new.page_count,
        quality=new.quality,
        status=status,
        attempts=0,
        owner_id=new.owner_id,
        owner_source="intake" if new.owner_id else None,
        owner_name=new.owner_name,
        kind_code=new.kind_code,
        role=new.role,
        digitized_by=new.digitized_by,
        digitized_at=utcnow(),
    )


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
        audit: Sequence[AuditEvent] = (),
    ) -> Dossier:
        row = DossierRow(
            code=code,
            agency_code=agency_code,
            received_on=received_on(code),
            procedure_code=procedure_code,
            applicant_name=applicant_name,
            applicant_id=applicant_id,
            status=DossierStatus.RECEIVED,
        )
        with unavailable_as_ours(), self._sessions() as session:
            session.add(row)
            add_events(session, audit)  # the change and its audit row: one commit
            try:
                session.commit()
            except SqlIntegrityError as exc:
                raise Conflict(
                    "Mã hồ sơ đã tồn tại", detail={"field": "code", "value": code}
                ) from exc
            return self.get_dossier(code)

    def get_dossier(self, code: str) -> Dossier:
        row = self.find_dossier(code)
        if row is None:
            raise NotFound("Không tìm thấy hồ sơ", detail={"code": code})
        return row

    def find_dossier(self, code: str) -> Dossier | None:
        """The dossier with its links and their papers (without pages)."""
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(
                select(DossierRow)
                .where(DossierRow.code == code)
                .options(selectinload(DossierRow.links).selectinload(DossierDocumentRow.document))
            )
            return dossier_of(row) if row is not None else None

    # -- documents ------------------------------------------------------------------------

    def add_documents(
        self,
        dossier_code: str,
        documents: Sequence[NewDocument],
        audit: Sequence[AuditEvent] = (),
        *,
        recognise: bool = True,
    ) -> None:
        """Record the documents, link them to the dossier, and write their audit rows, all in
        one transaction. `recognise=False` records papers the agency issues for the dossier
        (its electronic result, e.g. a certified copy) as done: no job, nothing queued."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, audit)
            dossier = session.scalar(select(DossierRow).where(DossierRow.code == dossier_code))
            if dossier is None:
                raise NotFound("Không tìm thấy hồ sơ", detail={"code": dossier_code})
            position = (
                session.scalar(
                    select(func.count()).where(DossierDocumentRow.dossier_id == dossier.id)
                )
                or 0
            )
            status = DocumentStatus.QUEUED if recognise else DocumentStatus.DONE
            for offset, new in enumerate(documents):
                session.add(_document_row(new, status))
                session.flush()
                session.add(
                    DossierDocumentRow(
                        dossier_id=dossier.id,
                        document_id=new.id,
                        position=position + offset,
                        digitized=True,
                        reused=False,
                    )
                )
                if recognise:
                    session.add(
                        JobRow(document_id=new.id, kind=JOB_RECOGNISE, state=JobState.QUEUED)
                    )
            if recognise:
                dossier.status = DossierStatus.PROCESSING

    def reuse_document(
        self, dossier_code: str, document_id: str, audit: Sequence[AuditEvent] = ()
    ) -> None:
        """Link a paper already digitized (for an earlier dossier) to this one: a link, no copy."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            add_events(session, audit)
            dossier = session.scalar(select(DossierRow).where(DossierRow.code == dossier_code))
            if dossier is None:
                raise NotFound("Không tìm thấy hồ sơ", detail={"code": dossier_code})
            if session.get(DocumentRow, document_id) is None:
                raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
            position = session.scalar(
                select(func.count()).where(DossierDocumentRow.dossier_id == dossier.id)
            )
            session.add(
                DossierDocumentRow(
                    dossier_id=dossier.id,
                    document_id=document_id,
                    position=position or 0,
                    digitized=False,
                    reused=True,
                )
            )
            try:
                session.flush()
            except SqlIntegrityError as exc:
                raise Conflict(
                    "Giấy tờ đã có trong hồ sơ", detail={"code": dossier_code, "id": document_id}
                ) from exc
            self._settle_dossiers(session, document_id)

    def documents_of_owner(
        self, owner_id: str, *, agencies: Collection[str] | None = None, limit: int = 100
    ) -> list[Paper]:
        """The papers of one citizen or enterprise, newest first (what reuse looks up); with
        `agencies`, only those in a dossier of one of them (not removed from it).

        The agencies are filtered before the limit: another agency's newer papers must neither
        push ours off the list nor cost anything to skip.
        """
        query = select(DocumentRow).where(DocumentRow.owner_id == owner_id)
        if agencies is not None:
            filed = (
                select(DossierDocumentRow.document_id)
                .join(DossierRow, DossierRow.id == DossierDocumentRow.dossier_id)
                .where(
                    DossierRow.agency_code.in_(list(agencies)),
                    DossierDocumentRow.removed_at.is_(None),
                )
            )
            query = query.where(DocumentRow.id.in_(filed))
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.scalars(
                query.order_by(DocumentRow.created_at.desc(), DocumentRow.id).limit(limit)
            )
            return [paper_of(row) for row in rows]

    def find_by_sha256(self, sha256: str) -> Paper | None:
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256).limit(1))
            return paper_of(row) if row is not None else None

    def documents_with_sha256(self, sha256: str) -> list[Paper]:
        """Every paper with exactly these bytes, oldest first (exact duplicates, services/reuse)."""
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.scalars(
                select(DocumentRow)
                .where(DocumentRow.sha256 == sha256)
                .order_by(DocumentRow.created_at, DocumentRow.id)
            )
            return [paper_of(row) for row in rows]

    def jobs_of(self, document_id: str) -> list[Job]:
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.scalars(
                select(JobRow).where(JobRow.document_id == document_id).order_by(JobRow.id)
            )
            return [job_of(row) for row in rows]

    def get_document(self, document_id: str) -> Paper:
        """The paper with its recognised pages."""
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(
                select(DocumentRow)
                .where(DocumentRow.id == document_id)
                .options(selectinload(DocumentRow.pages))
            )
            if row is None:
                raise NotFound("Không tìm thấy tài liệu", detail={"id": document_id})
            return paper_of(row, pages=True)

    def document_dossiers(self, document_id: str) -> list[tuple[str, str]]:
        """(dossier code, agency code) of every dossier the document belongs to."""
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.execute(
                select(DossierRow.code, DossierRow.agency_code)
                .join(DossierDocumentRow, DossierDocumentRow.dossier_id == DossierRow.id)
                .where(
                    DossierDocumentRow.document_id == document_id,
                    DossierDocumentRow.removed_at.is_(None),
                )
            ).all()
        return [(code, agency) for code, agency in rows]

    def referenced(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` a row references, in batches.

        Originals and page results are referenced by their rows; a page's hOCR and the
        searchable PDF, which have no column, while their document exists.
        """
        found: set[str] = set()
        batch: list[str] = []
        with unavailable_as_ours(), self._sessions() as session:
            for key in [*keys, None]:
                if key is not None:
                    batch.append(key)
                if batch and (key is None or len(batch) == _BATCH):
                    found.update(
                        session.scalars(
                            select(DocumentRow.object_key).where(DocumentRow.object_key.in_(batch))
                        )
                    )
                    found.update(
                        session.scalars(
                            select(PageRow.result_key).where(PageRow.result_key.in_(batch))
                        )
                    )
                    owners = {k: owner for k in batch if (owner := artefact_owner(k))}
                    scans = dict(
                        session.execute(
                            select(DocumentRow.id, DocumentRow.sha256).where(
                                DocumentRow.id.in_({owner for owner, _ in owners.values()})
                            )
                        ).all()
                    )
                    found.update(
                        k
                        for k, (owner, scan) in owners.items()
                        if owner in scans and (scan is None or scans[owner].startswith(scan))
                    )
                    batch = []
        return found

    def set_status(
        self,
        document_id: str,
        status: DocumentStatus,
        reason: str | None,
        *,
        scan_sha256: str | None = None,
    ) -> None:
        """Set a document's status (only if it still has the scan `scan_sha256`, when given)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            if scan_sha256 is not None:
                current = session.scalar(
                    select(DocumentRow.sha256).where(DocumentRow.id == document_id)
                )
                if current != scan_sha256:
                    return
            # a status set from outside the queue ends any claim: a rescan, a backfile's retry
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(
                    status=status,
                    reason=reason,
                    lease_owner=None,
                    lease_until=None,
                    updated_at=utcnow(),
                )
            )
            state = JobState.for_document(status)
            update_job(
                session,
                document_id,
                state=state,
                error=reason,
                finished_at=utcnow() if state in (JobState.DONE, JobState.FAILED) else None,
            )
            self._settle_dossiers(session, document_id)

    _settle_dossiers = staticmethod(settle_dossiers)
