"""Lifecycle values of the catalog, shared by storage, services and api."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
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
class Backlog:
    """The work outstanding, as a metrics scrape reads it from the catalog."""

    depth: dict[str, int]
    """Documents `queued` and `processing` (each status, 0 included)."""
    oldest_queued: datetime | None
    """When the longest-waiting `queued` document was queued (or put back); None: none waits."""
    backfile: dict[str, int]
    """Files of every backfile source by their status (pending, queued, done, ...)."""


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
    request_id: str | None = None
    """Of the request that queued it (models/trace.py): the worker logs and audits under it."""


# -- what the catalog hands out: plain values, never rows of its database -----------------
# Each getter says what it loads: a paper from `get_document` has its pages; one from a list
# (an owner's papers, a dossier's links) has `pages=None`, "not loaded", never a relationship
# that works or raises depending on which getter made it.


@dataclass(frozen=True)
class PageRecord:
    number: int
    text: str
    mean_confidence: float | None
    source: str
    result_key: str
    corrected_text: str | None = None
    corrected_by: str | None = None
    corrected_at: datetime | None = None


@dataclass(frozen=True)
class Paper:
    """One document (a paper) as the catalog holds it: its file, its state, its metadata."""

    id: str
    sha256: str
    object_key: str
    filename: str
    content_type: str
    size: int
    page_count: int
    status: DocumentStatus
    reason: str | None
    attempts: int
    mean_confidence: float | None
    quality: str | None
    reading: str | None
    created_at: datetime
    updated_at: datetime
    owner_id: str | None
    owner_name: str | None
    owner_source: str | None
    kind_code: str | None
    number_symbol: str | None
    issue_date: date | None
    issuer: str | None
    signer: str | None
    summary: str | None
    valid_until: date | None
    permanent: bool
    validity_scope: str | None
    digitized_by: str | None
    digitized_at: datetime | None
    role: str
    duplicate_of: str | None
    lease_owner: str | None
    lease_until: datetime | None
    pages: list[PageRecord] | None = None
    """Recognised pages in order (`get_document`); None where the getter does not load them."""

    @property
    def recognised(self) -> list[PageRecord]:
        """The recognised pages; a paper from a list getter has none loaded (say so, loudly)."""
        if self.pages is None:
            raise ValueError(f"pages of {self.id} not loaded: Catalog.get_document loads them")
        return self.pages


@dataclass(frozen=True)
class DossierLink:
    """A paper in a dossier: a component, digitized here or reused from an earlier dossier."""

    document: Paper
    position: int
    reused: bool
    digitized: bool
    removed_at: datetime | None
    removed_by: str | None


@dataclass(frozen=True)
class Dossier:
    code: str
    agency_code: str
    procedure_code: str
    applicant_name: str
    applicant_id: str
    received_on: date
    status: DossierStatus
    created_at: datetime
    updated_at: datetime
    links: list[DossierLink]


@dataclass(frozen=True)
class Job:
    """A unit of work on a document (recognition), with its attempts and last error."""

    kind: str
    state: JobState
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
