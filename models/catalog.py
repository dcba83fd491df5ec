"""Lifecycle values of the catalog, shared by storage, services and api."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocumentStatus(StrEnum):
    """Where a document (one paper) is on its way from scan to text.

    queued → processing → done | needs_review | failed. A worker holds a `processing` document
    under a lease it renews; when it dies the lease expires and another worker takes the
    document over, so no scan is ever left behind.
    """

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in {DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW, DocumentStatus.FAILED}


class DossierStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    COMPLETED = "completed"


class JobState(StrEnum):
    """Where a job (a unit of work on a document) is; mirrors its document's status."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def for_document(cls, status: DocumentStatus) -> JobState:
        return {
            DocumentStatus.QUEUED: cls.QUEUED,
            DocumentStatus.PROCESSING: cls.RUNNING,
            DocumentStatus.FAILED: cls.FAILED,
        }.get(status, cls.DONE)


@dataclass(frozen=True)
class Claimed:
    """A document a worker holds: what recognising it needs, and the claim itself.

    `attempts` counts claims, this one included: a document claimed again after its holder
    died is on a later attempt, which is how a paper that kills every worker is found."""

    id: str
    sha256: str
    object_key: str
    attempts: int
    owner: str
