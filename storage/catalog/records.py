"""Rows of the catalog's tables turned into the domain's values (models/catalog.py).

Converted inside the session that loaded them, so nothing that leaves the catalog is a row
that could lazily load (or fail to) once its session is gone.
"""

from __future__ import annotations

from models.catalog import (
    DocumentStatus,
    Dossier,
    DossierLink,
    DossierStatus,
    Job,
    JobState,
    PageRecord,
    Paper,
)
from storage.catalog.tables import DocumentRow, DossierRow, JobRow, PageRow


def page_of(row: PageRow) -> PageRecord:
    return PageRecord(
        number=row.number,
        text=row.text,
        mean_confidence=row.mean_confidence,
        source=row.source,
        result_key=row.result_key,
        corrected_text=row.corrected_text,
        corrected_by=row.corrected_by,
        corrected_at=row.corrected_at,
    )


def paper_of(row: DocumentRow, *, pages: bool = False) -> Paper:
    return Paper(
        id=row.id,
        sha256=row.sha256,
        object_key=row.object_key,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        page_count=row.page_count,
        status=DocumentStatus(row.status),
        reason=row.reason,
        attempts=row.attempts,
        mean_confidence=row.mean_confidence,
        quality=row.quality,
        reading=row.reading,
        created_at=row.created_at,
        updated_at=row.updated_at,
        owner_id=row.owner_id,
        owner_name=row.owner_name,
        owner_source=row.owner_source,
        kind_code=row.kind_code,
        number_symbol=row.number_symbol,
        issue_date=row.issue_date,
        issuer=row.issuer,
        signer=row.signer,
        summary=row.summary,
        valid_until=row.valid_until,
        permanent=bool(row.permanent),
        validity_scope=row.validity_scope,
        digitized_by=row.digitized_by,
        digitized_at=row.digitized_at,
        role=row.role,
        duplicate_of=row.duplicate_of,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        pages=[page_of(page) for page in row.pages] if pages else None,
    )


def dossier_of(row: DossierRow) -> Dossier:
    return Dossier(
        code=row.code,
        agency_code=row.agency_code,
        procedure_code=row.procedure_code,
        applicant_name=row.applicant_name,
        applicant_id=row.applicant_id,
        received_on=row.received_on,
        status=DossierStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        links=[
            DossierLink(
                document=paper_of(link.document),
                position=link.position,
                reused=link.reused,
                digitized=link.digitized,
                removed_at=link.removed_at,
                removed_by=link.removed_by,
            )
            for link in row.links
        ],
    )


def job_of(row: JobRow) -> Job:
    return Job(
        kind=row.kind,
        state=JobState(row.state),
        attempts=row.attempts,
        error=row.error,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
