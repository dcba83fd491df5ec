"""The chip ID card's QR code (Căn cước công dân, 2021–2024) as fields: its payload parsed and
checked, then set beside what was read off the card's print, field by field.

The payload is seven fields joined by "|":

    ID (12 digits) | old CMND (9 digits, or empty) | full name | date of birth ddmmyyyy |
    sex (Nam/Nữ) | permanent residence | issue date ddmmyyyy

e.g. ``001090123456|012345678|Nguyễn Văn A|01011990|Nam|Phường X, Quận Y, Hà Nội|15042021``.
The layout was confirmed against two public parsers: NghiaNguyen090499/GET_TICKET_FEEDBACK_V1
(`QRcodes/views_2.py` splits on "|" into số CCCD, số CMND cũ, họ và tên, ngày sinh, giới tính,
địa chỉ, ngày cấp; its `QRcodes/models.py` keeps them in that order) and
dangbaokhoa/identity-card (its README lists the same seven, in the same order, read from the
code by pyzbar). A third (phalconsupply/phongkham `docs/QR_SCANNER.md`) documents six fields
without the old CMND: a payload of any other shape, the 2024 "Căn cước" card's among them, is
an `UnknownLayout`, never a guess.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from models.extraction import ExtractedField, FieldName
from models.recognition import Region
from ocr.papers.lines import fold

PARTS = (
    FieldName.PERSONAL_ID,
    FieldName.OLD_ID,
    FieldName.FULL_NAME,
    FieldName.DATE_OF_BIRTH,
    FieldName.SEX,
    FieldName.RESIDENCE,
    FieldName.ISSUE_DATE,
)
"""The payload's fields in their order."""
QR_CONFIDENCE = 0.99
"""A decoded code passed Reed–Solomon's check and the layout's: its text is the card's own, short
of a forged card, which no reading can tell."""
SEXES = {"Nam": "male", "Nữ": "female"}
"""The payload's words, and the values `ocr.papers.fields.sex_in` gives for the printed ones."""


@dataclass(frozen=True)
class CardCode:
    personal_id: str
    old_id: str | None
    full_name: str
    born: date
    sex: str
    """male or female, as the printed field is read."""
    residence: str
    issued: date
    payload: str
    """The code's text, each field's evidence."""


@dataclass(frozen=True)
class UnknownLayout:
    reason: str


def _digits(value: str, count: int) -> bool:
    return len(value) == count and value.isascii() and value.isdigit()


def _date(value: str) -> date | None:
    if not _digits(value, 8):
        return None
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None


def parse(payload: str) -> CardCode | UnknownLayout:
    """The payload's fields, each checked, or why it is no CCCD payload we know."""
    parts = [unicodedata.normalize("NFC", p.strip()) for p in payload.strip().split("|")]
    if len(parts) != 7:
        return UnknownLayout(f"unknown layout: {len(parts)} fields, not 7")
    number, old, name, born_text, sex, residence, issued_text = parts
    born, issued = _date(born_text), _date(issued_text)
    problems = [
        "ID is not 12 digits" if not _digits(number, 12) else "",
        "old CMND is neither 9 digits nor empty" if old and not _digits(old, 9) else "",
        "no name" if not name else "",
        "date of birth is not a ddmmyyyy date" if born is None else "",
        "sex is neither Nam nor Nữ" if sex not in SEXES else "",
        "issue date is not a ddmmyyyy date" if issued is None else "",
        "issued before birth" if born and issued and issued < born else "",
    ]
    found = [p for p in problems if p]
    if found or born is None or issued is None:
        return UnknownLayout("unknown layout: " + "; ".join(found))
    return CardCode(number, old or None, name, born, SEXES[sex], residence, issued, "|".join(parts))


def code_fields(code: CardCode, page: int, region: Region) -> list[ExtractedField]:
    """The code's fields, each with the code's confidence and the code's box as its evidence."""
    parts = dict(zip(PARTS, code.payload.split("|"), strict=False))
    values = {
        FieldName.PERSONAL_ID: code.personal_id,
        FieldName.OLD_ID: code.old_id,
        FieldName.FULL_NAME: code.full_name,
        FieldName.DATE_OF_BIRTH: code.born.isoformat(),
        FieldName.SEX: code.sex,
        FieldName.RESIDENCE: code.residence,
        FieldName.ISSUE_DATE: code.issued.isoformat(),
    }
    return [
        ExtractedField(
            name=name,
            value=value,
            confidence=QR_CONFIDENCE,
            page=page,
            box=region.box,
            evidence=f"QR: {parts[name]}",
        )
        for name, value in values.items()
        if value
    ]


def _same(name: FieldName, a: str, b: str) -> bool:
    """Names and places compared folded (case, marks): a mark the OCR lost is no disagreement,
    a different letter is."""
    if name is FieldName.FULL_NAME or name is FieldName.RESIDENCE:
        return " ".join(fold(a).split()) == " ".join(fold(b).split())
    return a == b


def merged(
    *sources: list[ExtractedField],
) -> tuple[list[ExtractedField], list[FieldName]]:
    """One field a name, from the first source (most trusted first) that has it, and the names
    on which any two sources disagree (the card's QR code, its zone, its print as read)."""
    chosen: dict[FieldName, ExtractedField] = {}
    disagree: list[FieldName] = []
    for source in sources:
        for field in source:
            first = chosen.setdefault(field.name, field)
            if not _same(field.name, first.value, field.value) and field.name not in disagree:
                disagree.append(field.name)
    return list(chosen.values()), disagree
