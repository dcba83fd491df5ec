"""Certified electronic copies (bản sao điện tử, Decree 30/2020/NĐ-CP art. 25-26): the copy
types, the stamp the appendix prescribes, and what a verification of a signed copy reports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

VIETNAM_TIME = timezone(timedelta(hours=7))
"""Giờ Việt Nam (UTC+07:00, no daylight saving): the zone the stamp's signing time is given in."""


class CopyType(StrEnum):
    """Hình thức sao (Decree 30/2020 art. 25): a whole copy, a copy made from a copy, an extract."""

    SAO_Y = "sao_y"
    SAO_LUC = "sao_luc"
    TRICH_SAO = "trich_sao"

    @property
    def label(self) -> str:
        """As the appendix spells it on the copy."""
        return {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}[self.value]


def stamp_lines(copy_type: CopyType, agency_name: str, signed_at: datetime) -> list[str]:
    """The text block of the appendix I, part II.I: the copy type, the copying agency's name and
    the signing time (date, h:m:s and Vietnam's offset, ISO 8601), one a line.

    The agency's name is printed as the agency writes it ("chữ in thường": not upper-cased)."""
    when = signed_at.astimezone(VIETNAM_TIME).replace(microsecond=0)
    return [copy_type.label, agency_name.strip(), when.isoformat()]


class CertifyRequest(BaseModel):
    copy_type: CopyType = Field(description="sao_y, sao_luc or trich_sao")
    pages: list[int] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="trich_sao only: the pages (1-based, in the order wanted) the extract "
        "copies; default every page",
    )


class CertifiedCopyPublic(BaseModel):
    """A certified copy just made: a paper of its own (the dossier's electronic result)."""

    id: str = Field(description="the copy's document id: download it like any paper")
    source_id: str
    dossier_code: str
    copy_type: CopyType
    agency_name: str
    signed_at: datetime
    stamp: list[str] = Field(description="the stamp's lines, as printed on the first page")
    signer_subject: str
    timestamped: bool = Field(description="PAdES B-T: a timestamp server's token is embedded")
    sha256: str
    size: int


class SignatureReport(BaseModel):
    field: str
    intact: bool = Field(description="the signed bytes are exactly those the signer signed")
    valid: bool = Field(description="intact and the signature value is correct for the key")
    trusted: bool = Field(description="the signer's certificate chains to a configured root")
    signer_subject: str | None
    signing_time: datetime | None = Field(description="as the signer states it (signed)")
    timestamp_time: datetime | None = Field(description="a timestamp server's time (B-T)")
    covers_whole_file: bool
    changed_after_signing: bool = Field(
        description="bytes were added after this signature beyond what a later signature or "
        "validation data may add"
    )


class PdfaReport(BaseModel):
    checked: bool
    flavour: str | None = None
    passed: bool | None = None
    findings: list[str] = Field(default_factory=list)
    note: str


class Verification(BaseModel):
    """What `sohoa verify` and `GET /certified-copies/{id}/verification` report."""

    verdict: Literal["valid", "untrusted", "tampered", "unsigned", "unreadable"]
    signatures: list[SignatureReport]
    pdfa: PdfaReport
    message: str
