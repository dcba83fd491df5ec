"""The key fields of a paper of a known kind: found by their printed labels (fuzzy, on folded
text), by their shape (a 12-digit ID that checks), or by their place in the layout (agency
top-left, place and date top-right, signer bottom-right; the block roles when layout told them).

Each value comes normalised (ISO dates, digits only for codes) with the words it was read from:
their box, and their mean confidence lowered when a check fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from models.extraction import ExtractedField, FieldName
from models.recognition import BlockRole, Word
from ocr.papers.classify import is_title
from ocr.papers.dates import find_dates
from ocr.papers.ids import enterprise_code_valid, parse_personal_id, personal_id_fits
from ocr.papers.lines import Line, fold

LABEL_MATCH = 86
ILLEGIBLE = 0.5
"""Words read with less confidence (Tesseract's, 0..1) are handwriting or a blur: the value is
kept for the clerk to check in its box, marked `needs_review`, not taken as read."""
UNCHECKED = 0.5
"""Confidence factor of a code whose check fails (kept: a clerk may still want to see it)."""


@dataclass(frozen=True)
class Span:
    """A value's place: its line and its offsets in the line's text."""

    line: Line
    start: int
    end: int

    def field(self, name: FieldName, value: str, factor: float = 1.0) -> ExtractedField:
        read = self.line.confidence(self.start, self.end)
        confidence = min(1.0, max(0.0, read * factor))
        return ExtractedField(
            name=name,
            value=value,
            confidence=round(confidence, 3),
            page=self.line.page,
            box=self.line.box(self.start, self.end),
            evidence=" ".join(w.text for w in self.line.words_in(self.start, self.end)),
            needs_review=read < ILLEGIBLE,
        )


# -- finding labels and the text after them ------------------------------------------------------


def after_label(lines: Sequence[Line], labels: Sequence[str]) -> Span | None:
    """The text printed after the best-matching label (after its colon, if any), or on the next
    line when nothing follows the label on its own."""
    best: tuple[float, int, int, int] | None = None
    for index, line in enumerate(lines):
        for label in labels:
            if len(line.folded) < len(label):
                continue  # partial_ratio would align the line inside the label
            found = fuzz.partial_ratio_alignment(label, line.folded, score_cutoff=LABEL_MATCH)
            # on a tie the longer label wins: "họ, chữ đệm, tên người yêu cầu" over "họ, chữ đệm, tên"
            if found is not None and (best is None or (found.score, len(label)) > best[:2]):
                best = (found.score, len(label), index, found.dest_end)
    if best is None:
        return None
    _, _, index, end = best
    line = lines[index]
    start = end + _label_tail(line.folded[end:], line.text[end:])
    while start < len(line.text) and line.text[start] in " .:;/-–":
        start += 1
    if start < len(line.text):
        return Span(line, start, len(line.text))
    if index + 1 < len(lines) and lines[index + 1].page == line.page:
        following = lines[index + 1]
        return Span(following, 0, len(following.text))
    return None


_TAIL = re.compile(r"^\s*(?:[/(¿][a-z ,.()/]{0,40})?[:;]")
_GLOSS = re.compile(r"^\s+[A-Za-z][a-z]+(?: [a-z]+){0,3}\s*[:;]")
"""An English part whose slash was lost ("Họ và tên Full name:"), on the printed text: its
words have no marks and no capitals after the first, as no Vietnamese name is printed."""


def _label_tail(rest: str, printed: str) -> int:
    """Length of what ends a label: its colon, or its English part ("/ Full name:") and colon.

    `rest`: the folded text after the label; `printed`: the same text as read."""
    match = _TAIL.match(rest) or _GLOSS.match(printed)
    return match.end() if match else 0


_NAME = re.compile(r"[^\W\d_]+(?:\s+[^\W\d_]+)*")


def name_in(span: Span) -> tuple[str, Span] | None:
    """The leading run of words made of letters only (a name), as printed."""
    match = _NAME.search(span.line.text, span.start, span.end)
    if match is None:
        return None
    return match.group(), Span(span.line, match.start(), match.end())


def date_in(span: Span) -> tuple[str, Span] | None:
    for found in find_dates(span.line.folded[span.start : span.end]):
        at = span.start + found.start
        return found.iso, Span(span.line, at, span.start + found.end)
    return None


_DIGIT_RUN = re.compile(r"[0-9OoIl][0-9OoIl .]*[0-9OoIl]|[0-9]")
_AS_DIGITS = str.maketrans("OoIl", "0011")


def digits_in(span: Span, count: int | None = None) -> tuple[str, Span] | None:
    """A run of digits (spaces and dots between groups allowed), of `count` digits if given."""
    for match in _DIGIT_RUN.finditer(span.line.text, span.start, span.end):
        raw = match.group()
        if not any(c.isdigit() for c in raw):
            continue
        digits = re.sub(r"[ .]", "", raw).translate(_AS_DIGITS)
        if digits.isdigit() and (count is None or len(digits) == count):
            return digits, Span(span.line, match.start(), match.end())
    return None


_TOKEN = re.compile(r"[0-9A-Za-zÀ-ỹĐđ][0-9A-Za-zÀ-ỹĐđ/\-.]*")


def token_in(span: Span) -> tuple[str, Span] | None:
    """A number/symbol such as 125/QĐ-UBND, 01/2021 or CS01234 (it holds a digit)."""
    for match in _TOKEN.finditer(span.line.text, span.start, span.end):
        token = match.group().rstrip(".-/")
        if any(c.isdigit() for c in token):
            return token, Span(span.line, match.start(), match.start() + len(token))
    return None


def sex_in(span: Span) -> tuple[str, Span] | None:
    """Nam or Nữ: the first word after the label, or it with one letter more: a fax's speck
    read as a letter ("Nami"); no other word after this label begins like either."""
    words = span.line.folded[span.start : span.end].split()
    if not words:
        return None
    word, sexes = words[0].strip(".,;"), {"nam": "male", "nu": "female"}
    value = sexes.get(word) or (sexes.get(word[:-1]) if len(word) > 2 else None)
    at = span.line.folded.index(words[0], span.start)
    return (value, Span(span.line, at, at + len(words[0]))) if value else None


def validity_in(span: Span) -> tuple[str, Span] | None:
    if fuzz.partial_ratio("khong thoi han", span.line.folded[span.start : span.end]) >= LABEL_MATCH:
        return "permanent", span
    return date_in(span)


Reader = Callable[[Span], "tuple[str, Span] | None"]


def labelled(
    lines: Sequence[Line], name: FieldName, labels: Sequence[str], read: Reader
) -> ExtractedField | None:
    span = after_label(lines, labels)
    found = read(span) if span is not None else None
    return found[1].field(name, found[0]) if found else None


# -- fields found by shape or place ---------------------------------------------------------------


def personal_id(lines: Sequence[Line], birth_year: int | None) -> ExtractedField | None:
    """The first 12-digit number that is a personal ID; one that fits the birth year first."""
    candidates = []
    for line in lines:
        span = Span(line, 0, len(line.text))
        while (found := digits_in(span, 12)) is not None:
            candidates.append(found)
            span = Span(line, found[1].end, len(line.text))
    for value, where in candidates:
        if personal_id_fits(value, birth_year=birth_year):
            return where.field(FieldName.PERSONAL_ID, value)
    for value, where in candidates:
        factor = 1.0 if parse_personal_id(value) else UNCHECKED
        return where.field(FieldName.PERSONAL_ID, value, UNCHECKED * factor)
    return None


def enterprise_code(lines: Sequence[Line]) -> ExtractedField | None:
    span = after_label(lines, ("ma so doanh nghiep",))
    found = digits_in(span, 10) if span else None
    if found is None:
        return None
    factor = 1.0 if enterprise_code_valid(found[0]) else UNCHECKED
    return found[1].field(FieldName.ENTERPRISE_CODE, found[0], factor)


_NUMBER_LINE = re.compile(r"^\s*so\s*[:.]")
_PLACE_DATE = re.compile(r"^[^\W\d_][^\d,:;]{1,40}[,:.;]\s*ngay\b")
_MOTTO = ("cong hoa xa hoi", "doc lap", "socialist republic", "independence")


_NOT_HEADER_TEXT = (BlockRole.MOTTO, BlockRole.TITLE, BlockRole.RECIPIENTS, BlockRole.SIGNATURE)
"""Roles whose lines never hold the number, the place-date or the agency. Any other role is a
hint, not a gate: layout may keep "Số: 55" inside the agency block, or put a civil-status
paper's place-date in the body."""


def _told_first(lines: Sequence[Line], role: BlockRole) -> list[Line]:
    """The lines layout gave `role`, then every line that may still hold it."""
    told = [ln for ln in lines if ln.role is role]
    return told + [ln for ln in lines if ln.role is not role and ln.role not in _NOT_HEADER_TEXT]


def number_symbol(lines: Sequence[Line]) -> ExtractedField | None:
    """Số: 125/QĐ-UBND (role NUMBER_SYMBOL, or a line in the upper third starting with "Số")."""
    for line in _told_first(lines, BlockRole.NUMBER_SYMBOL):
        told = line.role is BlockRole.NUMBER_SYMBOL
        match = _NUMBER_LINE.search(line.folded)
        if match and (told or line.top < 0.35):
            found = token_in(Span(line, match.end(), len(line.text)))
            if found:
                return found[1].field(FieldName.NUMBER_SYMBOL, found[0])
    # its label lost (a fax's thin "Số:" before a bold "2"): a line of the agency's block that
    # is one token with a digit alone stands in the number's place; taken, doubted
    for line in (ln for ln in lines if ln.role is BlockRole.AGENCY and ln.top < 0.35):
        found = token_in(Span(line, 0, len(line.text)))
        if found and found[1].start == 0 and found[1].end == len(line.text.rstrip(".")):
            return found[1].field(FieldName.NUMBER_SYMBOL, found[0], UNCHECKED)
    return None


def place_date(lines: Sequence[Line]) -> ExtractedField | None:
    """The issue date of "Hà Nội, ngày 05 tháng 3 năm 2021" (role PLACE_DATE when told).

    A line printed as a place-date first, then any date on a line layout told PLACE_DATE: on a
    fax layout may give that role to a birth date beside it ("Ngày, tháng, năm sinh: …")."""
    candidates = _told_first(lines, BlockRole.PLACE_DATE)
    for line in candidates:
        match = _PLACE_DATE.search(line.folded)
        found = date_in(Span(line, match.start(), len(line.text))) if match else None
        if found:
            return found[1].field(FieldName.ISSUE_DATE, found[0])
    for line in candidates:
        found = (
            date_in(Span(line, 0, len(line.text))) if line.role is BlockRole.PLACE_DATE else None
        )
        if found:
            return found[1].field(FieldName.ISSUE_DATE, found[0])
    return None


def _without_motto(line: Line) -> int:
    """Where the motto starts in a line Tesseract merged with the agency beside it."""
    cuts = [line.folded.find(m) for m in _MOTTO if m in line.folded]
    return min(cuts) if cuts else len(line.text)


def _capitals(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if len(letters) > 3 else 0.0


AGENCY_FORMULAS = (
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "SỞ TƯ PHÁP",
    "PHÒNG ĐĂNG KÝ KINH DOANH",
    "PHÒNG TƯ PHÁP",
    "BỘ CÔNG AN",
    "CÔNG AN",
    "THÀNH PHỐ",
    "THỊ TRẤN",
    "THỊ XÃ",
    "PHƯỜNG",
    "HUYỆN",
    "QUẬN",
    "TỈNH",
    "XÃ",
)
"""The fixed words of agency names, restored with their marks where OCR lost or changed one
(NHÂN DẪN → NHÂN DÂN): matched without marks, whole words, in capitals as headers print them."""
_FORMULAS = [(re.compile(rf"(?<!\w){re.escape(fold(f))}(?!\w)"), f) for f in AGENCY_FORMULAS]


def with_formulas(text: str) -> str:
    folded, out = fold(text), list(text)
    for pattern, formula in _FORMULAS:
        for match in pattern.finditer(folded):
            if text[match.start() : match.end()].isupper():
                out[match.start() : match.end()] = formula
    return "".join(out)


def _agency_lines(lines: Sequence[Line]) -> list[Line]:
    """Capital lines at the top left, above the number line and the title."""
    chosen = []
    for line in lines:
        if line.page != lines[0].page or line.top >= 0.2 or _NUMBER_LINE.search(line.folded):
            break
        head = line.folded[: _without_motto(line)].strip()
        if line.role is None and is_title(head):
            break
        if (
            line.role is None
            and _capitals(line.text[: _without_motto(line)]) >= 0.8
            and (line.centre < 0.45 or _without_motto(line) < len(line.text))
        ):
            chosen.append(line)
    return chosen


def _upper_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _told_agency(lines: Sequence[Line]) -> list[Line]:
    """The lines layout told AGENCY, from the first to where the agency ends: its number line,
    a title, or (an agency in capitals) a line that is not in capitals. A fax's blocks run
    together, and layout may give the agency's role to the title and body below it."""
    told = [ln for ln in lines if ln.role is BlockRole.AGENCY]
    chosen: list[Line] = []
    in_capitals = False
    for line in told:
        if _NUMBER_LINE.search(line.folded):
            if chosen:
                break
            continue
        head = line.text[: _without_motto(line)]
        capitals = _upper_share(head) >= 0.8
        if chosen and (is_title(fold(head).strip()) or (in_capitals and not capitals)):
            break
        in_capitals = capitals if not chosen else in_capitals
        chosen.append(line)
    return chosen


_PUNCTUATION = " -–_.,;:\"'“”"


def _place_words(lines: Sequence[Line]) -> dict[str, tuple[str, float]]:
    """The place of the place-date line ("Phú Thượng, ngày …"), its capitalised words (a
    place's; not "Đăng ký lần đầu: ngày …") by their folded spelling: as read, and with what
    confidence."""
    for line in _told_first(lines, BlockRole.PLACE_DATE):
        match = _PLACE_DATE.search(line.folded)
        if match is not None:
            place = line.words_in(0, match.end() - len("ngay"))
            read = [(w.text.strip(_PUNCTUATION), w.confidence) for w in place]
            return {fold(text): (text, conf) for text, conf in read if text[:1].isupper()}
    return {}


def _as_place(word: Word, place: dict[str, tuple[str, float]]) -> str:
    """An agency's word as the place-date spells it where Tesseract read the place-date surer:
    the agency names the place it dates its papers from ("XÃ PHÙ THƯỢNG" doubted at 75, "Phú
    Thượng, ngày" read at 89). Same letters only; the agency's case is kept."""
    text = word.text.strip(_PUNCTUATION)
    spelt, confidence = place.get(fold(text), (text, 0.0))
    if spelt.lower() == text.lower() or confidence <= word.confidence or not text:
        return word.text
    return word.text.replace(text, spelt.upper() if text.isupper() else spelt)


def issuer(lines: Sequence[Line]) -> ExtractedField | None:
    """The agency printed top-left (role AGENCY when told), its lines joined."""
    chosen = _told_agency(lines) or _agency_lines(lines)
    spans = [Span(ln, 0, _without_motto(ln)) for ln in chosen]
    place = _place_words(lines)
    parts = [
        " ".join(_as_place(w, place) for w in s.line.words_in(s.start, s.end)).strip(_PUNCTUATION)
        for s in spans
    ]
    parts = [p for p in parts if any(c.isalpha() for c in p)]
    if not parts:
        return None
    field = spans[0].field(FieldName.ISSUER, with_formulas(" ".join(parts)))
    confidence = sum(s.line.confidence(s.start, s.end) for s in spans) / len(spans)
    return field.model_copy(update={"confidence": round(min(1.0, confidence), 3)})


def signer(lines: Sequence[Line]) -> ExtractedField | None:
    """The last name line of the signature block (role SIGNATURE, or bottom-right)."""
    told = [ln for ln in lines if ln.role is BlockRole.SIGNATURE]
    candidates = told or [
        # below the header (a short document signs in the upper half), in the right column
        ln
        for ln in lines
        if ln.role in (None, BlockRole.BODY, BlockRole.OTHER) and ln.centre > 0.55 and ln.top > 0.25
    ]
    for line in reversed(candidates):
        words = line.text.split()
        name = 2 <= len(words) <= 6 and all(w[0].isupper() and w.isalpha() for w in words)
        # a title (CHỦ TỊCH) is in capitals, a name is not
        if name and line.upper_share < 0.9:
            return Span(line, 0, len(line.text)).field(FieldName.SIGNER, line.text)
    return None
