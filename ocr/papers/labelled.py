"""Fields found by their printed labels on any paper, whatever its kind: the personal ID after
"Số định danh", the name after "Họ và tên", the birth date after "Ngày sinh", a document's
"Số: 125/QĐ-UBND"; and what they say of the kind when the classifier could not tell it.

A paper whose title was lost (a chip card's red title erased with the seals' ink, a decision
whose header is torn) still prints these labels; each value comes with its words, as every
field does. They name a kind only on evidence a form would not carry: a card's bilingual labels
beside a personal ID that agrees with the birth date, or a document number with its type's
abbreviation (QĐ, TB, KH, …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.extraction import ExtractedField, FieldName
from models.kinds import DocumentKind
from ocr.papers.fields import Reader, date_in, digits_in, labelled, name_in, number_symbol
from ocr.papers.ids import personal_id_fits
from ocr.papers.lines import Line

NAME = (
    "ho va ten",
    "ho, chu dem va ten khai sinh",
    "ho, chu dem, ten",
    "ho, chu dem, ten nguoi yeu cau",
    "full name",
    "toi ten la",
)
BIRTH = ("ngay, thang, nam sinh", "ngay sinh", "date of birth")
PERSONAL_ID = (
    "so dinh danh ca nhan",
    "so dinh danh",
    "personal identification number",
    "so can cuoc cong dan",
    "so cccd",
    "so / no.",
)
CARD_LABELS = ("full name", "date of birth", "place of origin", "date of expiry")
"""Printed in English beside the Vietnamese on citizen's cards, not on forms or certificates."""
NEW_CARD = ("personal identification number", "noi dang ky khai sinh")
_DOCUMENT_NUMBER = re.compile(r"^\d+/(?:\d{4}/)?[A-ZĐ]{1,6}(?:-[A-ZĐa-z0-9]{1,10})*$")
"""125/QĐ-UBND, 729/QĐ-TTg, 02/2024/TT-BCA, 45/TB: a number with its document type's abbreviation."""
HINTED = 0.6
"""The confidence of a kind told by labelled fields, not by a title."""


def _printed(lines: Sequence[Line], labels: Sequence[str]) -> bool:
    """Whether one of the labels is printed whole: on a paper of no known kind a near match is
    not enough ("Ngày, tháng, năm" of a card's issue date is near "Ngày, tháng, năm sinh")."""
    text = [line.folded.replace(" ", "") for line in lines]
    return any(label.replace(" ", "") in line for line in text for label in labels)


def labelled_fields(lines: Sequence[Line]) -> list[ExtractedField]:
    readers: list[tuple[FieldName, Sequence[str], Reader]] = [
        (FieldName.PERSONAL_ID, PERSONAL_ID, lambda s: digits_in(s, 12)),
        (FieldName.FULL_NAME, NAME, name_in),
        (FieldName.DATE_OF_BIRTH, BIRTH, date_in),
    ]
    found = [
        labelled(lines, name, labels, read) if _printed(lines, labels) else None
        for name, labels, read in readers
    ]
    found.append(number_symbol(lines))
    return [f for f in found if f is not None and f.evidence.strip()]


def hinted_kind(lines: Sequence[Line], fields: Sequence[ExtractedField]) -> DocumentKind | None:
    """The kind the labelled fields point to, when they point clearly; else None."""
    by_name = {f.name: f for f in fields}
    number, born = by_name.get(FieldName.PERSONAL_ID), by_name.get(FieldName.DATE_OF_BIRTH)
    text = " ".join(line.folded for line in lines)
    year = born.as_date.year if born is not None and born.as_date is not None else None
    if (
        number is not None
        and year is not None
        and FieldName.FULL_NAME in by_name
        and personal_id_fits(number.value, birth_year=year)
        and sum(label in text for label in CARD_LABELS) >= 2
    ):
        new = any(label in text for label in NEW_CARD)
        return DocumentKind.ID_CARD if new else DocumentKind.ID_CARD_OLD
    symbol = by_name.get(FieldName.NUMBER_SYMBOL)
    if symbol is not None and _DOCUMENT_NUMBER.match(symbol.value):
        return DocumentKind.ADMINISTRATIVE_DOCUMENT
    return None
