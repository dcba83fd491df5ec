"""What every change of a document's status also changes, in the same transaction: its job row
and the status of each dossier it belongs to. Shared by the queue and the papers' writers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.catalog import DocumentStatus, DossierStatus
from storage.catalog.tables import DocumentRow, DossierDocumentRow, DossierRow, JobRow, utcnow

JOB_RECOGNISE = "recognise"


def update_job(session: Session, document_id: str, **values: Any) -> None:
    session.execute(
        update(JobRow)
        .where(JobRow.document_id == document_id, JobRow.kind == JOB_RECOGNISE)
        .values(updated_at=utcnow(), **values)
    )


def settle_dossiers(session: Session, document_id: str) -> None:
    """A dossier is completed when none of its documents is still queued or processing."""
    session.flush()
    dossier_ids = session.scalars(
        select(DossierDocumentRow.dossier_id).where(DossierDocumentRow.document_id == document_id)
    ).all()
    unfinished = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
    for dossier_id in dossier_ids:
        pending = session.scalar(
            select(func.count())
            .select_from(DossierDocumentRow)
            .join(DocumentRow, DocumentRow.id == DossierDocumentRow.document_id)
            .where(DossierDocumentRow.dossier_id == dossier_id, DocumentRow.status.in_(unfinished))
        )
        session.execute(
            update(DossierRow)
            .where(DossierRow.id == dossier_id)
            .values(
                status=DossierStatus.PROCESSING if pending else DossierStatus.COMPLETED,
                updated_at=utcnow(),
            )
        )
