"""Read a recognised document as a paper: decide its kind, then pull that kind's key fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from models.extraction import ExtractedField, FieldName, PaperReading
from models.kinds import DocumentKind
from models.recognition import DocumentResult, RegionKind
from ocr.papers.classify import classify
from ocr.papers.copies import with_marks_of_copy
from ocr.papers.fields import (
    LABEL_MATCH,
    Span,
    date_in,
    digits_in,
    enterprise_code,
    issuer,
    labelled,
    name_in,
    number_symbol,
    personal_id,
    place_date,
    sex_in,
    signer,
    token_in,
    validity_in,
)
from ocr.papers.labelled import BIRTH, HINTED, NAME, hinted_kind, labelled_fields
from ocr.papers.lines import Line, document_lines
from ocr.papers.mrz import Zone, zone_fields
from ocr.papers.qr import CardCode, code_fields, merged, parse
from ocr.papers.stamp import received, stamp_lines
from ocr.papers.zone import document_zone

SEX = ("gioi tinh", "sex")
VALID = ("co gia tri den", "date of expiry")
CARD_ISSUED = ("ngay, thang, nam cap", "ngay cap", "date of issue", "date, month, year")
CARD_ISSUERS = {
    "quan ly hanh chinh ve trat tu xa hoi": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "bo cong an": "Bộ Công an",
}
"""Who issues ID cards (printed in capitals on the back, maybe over two lines) in one spelling."""

Extract = Callable[[Sequence[Line]], list[ExtractedField | None]]


def person(lines: Sequence[Line]) -> list[ExtractedField | None]:
    """Name, birth date, sex, and the personal ID that agrees with the birth year."""
    born = labelled(lines, FieldName.DATE_OF_BIRTH, BIRTH, date_in)
    year = born.as_date.year if born is not None and born.as_date else None
    return [
        labelled(lines, FieldName.FULL_NAME, NAME, name_in),
        born,
        labelled(lines, FieldName.SEX, SEX, sex_in),
        personal_id(lines, year),
    ]


def card_issuer(lines: Sequence[Line]) -> ExtractedField | None:
    for key, canonical in CARD_ISSUERS.items():
        for line in lines:
            if len(line.folded) < len(key):
                # partial_ratio would align a short line (garbage) inside the name: the whole
                # line is compared, so one lost word ("TRẬT TỰ HỘI") still matches
                if fuzz.ratio(key, line.folded) >= LABEL_MATCH:
                    return Span(line, 0, len(line.text)).field(FieldName.ISSUER, canonical)
                continue
            found = fuzz.partial_ratio_alignment(key, line.folded, score_cutoff=LABEL_MATCH)
            if found is not None and found.score >= LABEL_MATCH:
                span = Span(line, found.dest_start, found.dest_end)
                return span.field(FieldName.ISSUER, canonical)
    return None


def id_card(lines: Sequence[Line]) -> list[ExtractedField | None]:
    return [
        *person(lines),
        labelled(lines, FieldName.ISSUE_DATE, CARD_ISSUED, date_in),
        labelled(lines, FieldName.VALID_UNTIL, VALID, validity_in),
        card_issuer(lines),
    ]


def civil_status(lines: Sequence[Line]) -> list[ExtractedField | None]:
    """Birth and death extracts: the register number, the person, the date and the office."""
    return [number_symbol(lines), *person(lines), place_date(lines), issuer(lines)]


def marriage(lines: Sequence[Line]) -> list[ExtractedField | None]:
    """The number, the date (the place-date's, else the registration date printed with its
    label: a fax may lose the first) and the office."""
    issued = place_date(lines) or labelled(lines, FieldName.ISSUE_DATE, ("ngay dang ky",), date_in)
    return [number_symbol(lines), issued, issuer(lines)]


def land_use(lines: Sequence[Line]) -> list[ExtractedField | None]:
    return [
        labelled(lines, FieldName.NUMBER_SYMBOL, ("so vao so cap giay chung nhan",), token_in),
        labelled(lines, FieldName.LAND_PLOT, ("thua dat so",), lambda s: digits_in(s)),
        labelled(lines, FieldName.MAP_SHEET, ("to ban do so",), lambda s: digits_in(s)),
        labelled(lines, FieldName.FULL_NAME, ("ong:", "ba:"), name_in),
        personal_id(lines, None),
        place_date(lines),
    ]


def enterprise(lines: Sequence[Line]) -> list[ExtractedField | None]:
    """The code, the company's name (stored as the paper's holder) and the first registration."""
    return [
        enterprise_code(lines),
        labelled(lines, FieldName.FULL_NAME, ("ten cong ty viet bang tieng viet",), name_in),
        labelled(lines, FieldName.ISSUE_DATE, ("dang ky lan dau",), date_in),
        issuer(lines),
    ]


def application(lines: Sequence[Line]) -> list[ExtractedField | None]:
    return [*person(lines), place_date(lines)]


def administrative(lines: Sequence[Line]) -> list[ExtractedField | None]:
    return [number_symbol(lines), place_date(lines), issuer(lines), signer(lines)]


EXTRACT: dict[DocumentKind, Extract] = {
    DocumentKind.ID_CARD_OLD: id_card,
    DocumentKind.ID_CARD: id_card,
    DocumentKind.BIRTH_CERTIFICATE: civil_status,
    DocumentKind.DEATH_EXTRACT: civil_status,
    DocumentKind.MARRIAGE_CERTIFICATE: marriage,
    DocumentKind.LAND_USE_CERTIFICATE: land_use,
    DocumentKind.ENTERPRISE_REGISTRATION: enterprise,
    DocumentKind.APPLICATION_FORM: application,
    DocumentKind.ADMINISTRATIVE_DOCUMENT: administrative,
    DocumentKind.OTHER: lambda lines: [],
}


def read_lines(every: Sequence[Line]) -> PaperReading:
    """The kind and fields of the paper's own lines; a received stamp's lines kept apart, read
    for the received time alone."""
    stamp = stamp_lines(every)
    lines = [line for line in every if line not in stamp]
    if not lines:
        return PaperReading(kind=DocumentKind.OTHER, kind_confidence=1.0)
    kind, confidence = classify(lines)
    generic = labelled_fields(lines)
    if kind is DocumentKind.OTHER:
        hinted = hinted_kind(lines, generic)
        if hinted is not None:
            kind, confidence = hinted, HINTED
    # a value with no words behind it is never produced, whatever an extractor made of a span
    fields = [f for f in EXTRACT[kind](lines) if f is not None and f.evidence.strip()]
    # a name printed twice (after its label, under the signature): the better-read marks
    fields = [with_marks_of_copy(f, lines) for f in fields]
    # what a label says is kept whatever the kind, where the kind's own reading found nothing
    found = {f.name for f in fields}
    fields += [f for f in generic if f.name not in found]
    arrived = received(stamp)
    if arrived is not None:
        fields.append(arrived)
    return PaperReading(kind=kind, kind_confidence=confidence, fields=fields)


ID_CARDS = (DocumentKind.ID_CARD, DocumentKind.ID_CARD_OLD)


def card_code(result: DocumentResult) -> list[ExtractedField]:
    """The fields of the first QR code on the document that holds a CCCD payload, if any."""
    for page in result.pages:
        for region in page.regions:
            if region.kind is RegionKind.QR_CODE and region.payload:
                code = parse(region.payload)
                if isinstance(code, CardCode):
                    return code_fields(code, page.number, region)
    return []


def read_paper(result: DocumentResult) -> PaperReading:
    """What the document is and its key fields, from its recognised words (and roles, if any).

    A chip ID card's QR code (`ocr.papers.qr`) and machine-readable zone (`ocr.papers.mrz`,
    every check digit passed) give their fields before the print; the three are compared
    field by field and every field on which two disagree is named in `disagreements`. The
    zone's name has no marks: it is compared, and kept only where nothing else gives a name.
    A code or a zone on a paper the classifier could not place makes it a Căn cước công dân
    (`DocumentKind.ID_CARD_OLD`, the 2021 card that carries both).
    """
    reading = read_lines(document_lines(result))
    if reading.kind not in (*ID_CARDS, DocumentKind.OTHER):
        return reading
    coded = card_code(result)
    zone = document_zone(result.pages)
    zoned = zone_fields(zone) if isinstance(zone, Zone) else []
    if not coded and not zoned:
        return reading
    names = [f for f in zoned if f.name is FieldName.FULL_NAME]
    checked = [f for f in zoned if f.name is not FieldName.FULL_NAME]
    fields, disagreements = merged(coded, checked, reading.fields, names)
    kind, confidence = reading.kind, reading.kind_confidence
    if kind is DocumentKind.OTHER:
        kind, confidence = DocumentKind.ID_CARD_OLD, (coded or checked)[0].confidence
    return PaperReading(
        kind=kind, kind_confidence=confidence, fields=fields, disagreements=disagreements
    )


__all__ = ["FieldName", "read_lines", "read_paper"]
