"""The API's request and response shapes (schema families as in the FastAPI template)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.catalog import DocumentStatus, DossierStatus
from models.codes import (
    check_dossier_code,
    check_name,
    check_owner_id,
    check_personal_id,
    check_procedure_code,
)
from models.extraction import PaperReading
from models.kinds import DocumentKind
from models.recognition import QualityIssue


class DossierCreate(BaseModel):
    code: str = Field(description="mã hồ sơ, e.g. 000.00.01.H29-240115-0001")
    procedure_code: str = Field(description="mã thủ tục hành chính, e.g. 1.001193")
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_id: str = Field(description="số định danh cá nhân, 12 digits")

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return check_dossier_code(value.strip())

    @field_validator("procedure_code")
    @classmethod
    def _procedure(cls, value: str) -> str:
        return check_procedure_code(value.strip())

    @field_validator("applicant_id")
    @classmethod
    def _applicant(cls, value: str) -> str:
        return check_personal_id(value.strip())

    @field_validator("applicant_name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = check_name(value, "applicant_name")
        if not name:
            raise ValueError("applicant_name is empty")
        return name


class PagePublic(BaseModel):
    number: int
    text: str | None = Field(description="the clerk's correction when there is one, else OCR")
    ocr_text: str | None = Field(default=None, description="what recognition read, always kept")
    corrected: bool = False
    mean_confidence: float | None
    source: str | None
    quality: list[QualityIssue] | None = Field(
        default=None, description="what is wrong with the scan (empty: fine; None: not checked)"
    )
    blank: bool = Field(default=False, description="a blank page: marked, not recognised")


class EarlierPaper(BaseModel):
    """The paper a new scan duplicates, as the counter page offers it."""

    id: str
    kind_label: str | None
    number_symbol: str | None
    issue_date: date | None
    digitized_at: datetime


class DocumentPublic(BaseModel):
    id: str
    filename: str
    content_type: str
    sha256: str
    size: int
    status: DocumentStatus
    reason: str | None = Field(description="why it failed or needs review")
    page_count: int
    mean_confidence: float | None
    created_at: datetime
    updated_at: datetime
    kind_code: str | None = None
    number_symbol: str | None = None
    issue_date: date | None = None
    issuer: str | None = None
    valid_until: date | None = None
    permanent: bool = False
    role: Literal["submitted", "result"] = "submitted"
    duplicate_of: EarlierPaper | None = Field(
        default=None,
        description="this scan is of a paper digitized before (same owner, kind and key "
        "fields): the earlier one, offered for reuse in place of this copy",
    )
    owner_id: str | None = None
    owner_name: str | None = None
    signer: str | None = None
    reading: PaperReading | None = Field(
        default=None, description="the paper's kind and key fields as read after recognition"
    )
    pages: list[PagePublic]


class DocumentSummary(BaseModel):
    id: str
    filename: str
    status: DocumentStatus
    page_count: int
    kind_code: str | None = None
    reused: bool = False


class DossierPublic(BaseModel):
    code: str
    procedure_code: str
    applicant_name: str
    applicant_id: str
    status: DossierStatus
    created_at: datetime
    documents: list[DocumentSummary]


class AcceptedDocument(BaseModel):
    id: str
    filename: str
    page_count: int
    quality: list[list[QualityIssue] | None] = Field(
        description="per page: what is wrong with the scan ([] fine; None not checked yet, PDF)"
    )
    reused: bool = Field(
        default=False,
        description="these exact bytes were digitized before: the existing paper (this id) is "
        "linked to the dossier and nothing is recognised again",
    )


class UploadAccepted(BaseModel):
    dossier_code: str
    document_ids: list[str]
    documents: list[AcceptedDocument]


class DocumentText(BaseModel):
    id: str
    status: DocumentStatus
    text: str


class Health(BaseModel):
    status: str
    checks: dict[str, Any]


class ErrorDetail(BaseModel):
    code: str
    message: str
    detail: Any = None


class ErrorBody(BaseModel):
    """The one error body of every 4xx/5xx response."""

    error: ErrorDetail


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_at: datetime


class Me(BaseModel):
    username: str
    role: str
    agency_code: str | None


class DownloadLink(BaseModel):
    url: str
    expires_at: datetime


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str | None
    agency_code: str | None
    origin: str | None
    action: str
    object_type: str
    object_id: str | None
    dossier_code: str | None
    outcome: str
    detail: str | None
    request_id: str | None = None
    """Of the HTTP request (its `X-Request-ID`), or of the upload a worker's row is about."""


class AuditEventsPublic(BaseModel):
    data: list[AuditEventPublic]
    count: int


class DocumentUpdate(BaseModel):
    """Metadata a clerk may set or correct on a paper (design.md §5); omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    kind_code: DocumentKind | None = None
    number_symbol: str | None = Field(default=None, max_length=64)
    issue_date: date | None = None
    issuer: str | None = Field(default=None, max_length=200)
    signer: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=2000)
    valid_until: date | None = None
    permanent: bool | None = None
    validity_scope: str | None = Field(default=None, max_length=200)
    owner_name: str | None = Field(default=None, max_length=200)
    owner_id: str | None = Field(
        default=None,
        description="whose paper it is (a child's birth paper: the child's ID), when not the "
        "applicant's; personal ID, old ID or enterprise code",
    )
    role: Literal["submitted", "result"] | None = Field(
        default=None, description="a paper the citizen submitted, or the result the agency issued"
    )

    @field_validator("owner_id")
    @classmethod
    def _owner(cls, value: str | None) -> str | None:
        return None if value is None else check_owner_id(value.strip())

    @field_validator("owner_name", "issuer", "signer")
    @classmethod
    def _names(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else check_name(value, info.field_name or "name")


class PageCorrection(BaseModel):
    text: str = Field(max_length=200_000)

    @field_validator("text")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)


class ApplicantPaper(BaseModel):
    id: str
    filename: str
    kind_code: str | None
    kind_label: str | None
    number_symbol: str | None = None
    issue_date: date | None
    issuer: str | None = None
    valid_until: date | None
    permanent: bool
    validity: Literal["permanent", "valid", "expired", "unknown"] = "unknown"
    expired: bool
    reusable: bool = Field(
        default=False, description="offered for reuse: digitized and not expired"
    )
    status: str
    created_at: datetime
    dossiers: list[str]


class EarlierUsed(BaseModel):
    id: str = Field(description="the earlier paper, now in the dossier")
    removed: str = Field(description="the new scan, taken out of the dossier (kept)")


class KindPublic(BaseModel):
    code: str
    label: str


class Indicator(BaseModel):
    count: int = Field(description="dossiers meeting the indicator")
    share: float | None = Field(description="count / dossiers received; None when there are none")


class DigitizationReport(BaseModel):
    """The Decision 766/QĐ-TTg indicators over the dossiers received in a period (docs/reuse.md)."""

    from_date: date
    to_date: date
    agency: str | None = Field(description="the agency counted; None: every agency")
    dossiers: int = Field(description="dossiers received in the period")
    digitized: Indicator = Field(description="every submitted paper has a digitized copy")
    e_results: Indicator = Field(description="a result issued as a digitized document")
    reusing: Indicator = Field(description="at least one paper reused from earlier dossiers")
