"""Know the paper after recognition: read its kind and key fields, keep the reading, and fill
the metadata a one-stop system keeps (kind, owner, number, dates, issuer) where still empty.

The reading is a JSON column on the document (documents.reading), not an object-store
artefact: it is small, the API returns it with the document, and reuse queries filter on the
columns it fills. A clerk's own values always win; extraction only fills gaps.
"""

from __future__ import annotations

import logging
from typing import Any

from models.extraction import FieldName, PaperReading
from models.kinds import DocumentKind
from models.recognition import DocumentResult
from ocr.papers import read_paper
from ocr.pdfa import Metadata
from services.context import Context

log = logging.getLogger(__name__)

FILL_CONFIDENCE = 0.6
"""A field read with less confidence is kept in the reading, shown, but not copied to the
document's metadata: a clerk should not have to undo a guess."""

_COLUMNS = {
    FieldName.FULL_NAME: ("owner_name", 200),
    FieldName.NUMBER_SYMBOL: ("number_symbol", 64),
    FieldName.ISSUER: ("issuer", 200),
    FieldName.SIGNER: ("signer", 200),
}
_DATES = {FieldName.ISSUE_DATE: "issue_date", FieldName.VALID_UNTIL: "valid_until"}
_OWNER_IDS = (FieldName.PERSONAL_ID, FieldName.ENTERPRISE_CODE, FieldName.OLD_ID)


def metadata_of(reading: PaperReading) -> dict[str, Any]:
    """The document columns a reading fills: its confident fields, in the columns' types."""
    found: dict[str, Any] = {}
    if reading.kind is not DocumentKind.OTHER and reading.kind_confidence >= FILL_CONFIDENCE:
        found["kind_code"] = reading.kind.value
    sure = {f.name: f for f in reading.fields if f.confidence >= FILL_CONFIDENCE}
    owner = next((sure[name].value for name in _OWNER_IDS if name in sure), None)
    if owner is not None:
        found["owner_id"] = owner
    for name, (column, limit) in _COLUMNS.items():
        if name in sure:
            found[column] = sure[name].value[:limit]
    for name, column in _DATES.items():
        field = sure.get(name)
        if field is not None and field.as_date is not None:
            found[column] = field.as_date
    validity = sure.get(FieldName.VALID_UNTIL)
    if validity is not None and validity.value == "permanent":
        found["permanent"] = True
    return found


_LABELS = {
    FieldName.PERSONAL_ID: "số định danh",
    FieldName.OLD_ID: "số CMND cũ",
    FieldName.FULL_NAME: "họ và tên",
    FieldName.DATE_OF_BIRTH: "ngày sinh",
    FieldName.SEX: "giới tính",
    FieldName.RESIDENCE: "nơi thường trú",
    FieldName.ISSUE_DATE: "ngày cấp",
    FieldName.VALID_UNTIL: "có giá trị đến",
}


def disagreement_reason(reading: PaperReading | None) -> str | None:
    """Why a clerk should look at a card whose sources (its print as read, its QR code, its
    machine-readable zone) disagree, naming the fields; None when they agree (or there is only
    the print)."""
    if reading is None or not reading.disagreements:
        return None
    names = ", ".join(_LABELS.get(name, name.value) for name in reading.disagreements)
    return f"Chữ in, mã QR và vùng MRZ trên giấy tờ không khớp: {names}"


def archive_metadata(reading: PaperReading | None, *, agency: str | None = None) -> Metadata:
    """What the archival PDF's XMP says of a paper: its kind and number where read with
    confidence (as the catalog's columns are filled), the digitizing agency where known."""
    kind = number = None
    if reading is not None:
        if reading.kind is not DocumentKind.OTHER and reading.kind_confidence >= FILL_CONFIDENCE:
            kind = reading.kind.label
        field = reading.get(FieldName.NUMBER_SYMBOL)
        if field is not None and field.confidence >= FILL_CONFIDENCE:
            number = field.value
    title = kind or DocumentKind.OTHER.label
    return Metadata(
        title=f"{title} số {number}" if number else title, kind=kind, number=number, agency=agency
    )


def read(document_id: str, result: DocumentResult) -> PaperReading | None:
    """Read the paper's kind and fields; None (logged) if extraction itself broke.

    A failure here must not fail a recognised document: its text is searchable without it.
    """
    try:
        return read_paper(result)
    except Exception:
        log.exception("document %s: reading its kind and fields failed", document_id)
        return None


def record_reading(ctx: Context, document_id: str, result: DocumentResult) -> PaperReading | None:
    """Read the paper and record what was read (a reading of a document already recorded; a
    recognition records its reading with its pages, services/processing.py)."""
    reading = read(document_id, result)
    if reading is not None:
        ctx.papers.record_reading(document_id, reading.model_dump_json(), metadata_of(reading))
    return reading


__all__ = ["disagreement_reason", "metadata_of", "read", "record_reading"]
