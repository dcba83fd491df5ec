"""What is read off a paper beyond its text: its kind, and its key fields with where they stand.

Shared by the classifier and field extraction (issue 7), the reuse features that compare papers
by their key fields, and the counter page that shows them. Plain values, serialisable as they are.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from models.kinds import DocumentKind
from models.recognition import Box


class FieldName(StrEnum):
    PERSONAL_ID = "personal_id"
    """số định danh cá nhân: 12 digits, checked (province code, century/sex digit, birth year)."""
    OLD_ID = "old_id"
    """9-digit CMND number."""
    FULL_NAME = "full_name"
    DATE_OF_BIRTH = "date_of_birth"
    SEX = "sex"
    ISSUE_DATE = "issue_date"
    VALID_UNTIL = "valid_until"
    ISSUER = "issuer"
    SIGNER = "signer"
    NUMBER_SYMBOL = "number_symbol"
    """số ký hiệu of a document, or số vào sổ of a civil-status paper."""
    ENTERPRISE_CODE = "enterprise_code"
    LAND_PLOT = "land_plot"
    """thửa đất số"""
    MAP_SHEET = "map_sheet"
    """tờ bản đồ số"""
    RESIDENCE = "residence"
    """nơi thường trú, as the chip ID card's QR code holds it."""
    RECEIVED_AT = "received_at"
    """When the office received the paper, from its "ĐẾN" stamp: ISO date, with the time."""


class ExtractedField(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: FieldName
    value: str = Field(description="normalised: ISO date for dates, digits only for codes")
    confidence: float = Field(ge=0, le=1)
    page: int = Field(ge=1, description="page number the value was read on")
    box: Box | None = Field(default=None, description="the value's words on that page")
    evidence: str = Field(
        default="",
        description="what the value was read from: the words as recognised, the QR code's "
        "field, the machine-readable zone's line; a value with none is never produced",
    )
    needs_review: bool = Field(
        default=False,
        description="its words read with so little confidence that they are likely "
        "handwritten or illegible: a clerk reads the value in its box",
    )

    @property
    def as_date(self) -> date | None:
        try:
            return date.fromisoformat(self.value)
        except ValueError:
            return None


class PaperReading(BaseModel):
    """The classifier's decision and the fields found, for one document."""

    model_config = ConfigDict(frozen=True)

    kind: DocumentKind
    kind_confidence: float = Field(ge=0, le=1)
    fields: list[ExtractedField] = Field(default_factory=list)
    disagreements: list[FieldName] = Field(
        default_factory=list,
        description="fields on which two of the card's sources disagree (its QR code, its "
        "machine-readable zone, its print as read): the most trusted value is kept, in that "
        "order, and a clerk should look",
    )

    def get(self, name: FieldName) -> ExtractedField | None:
        return next((f for f in self.fields if f.name is name), None)
