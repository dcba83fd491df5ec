"""The machine-readable zone on the back of a chip ID card (ICAO 9303 part 5, TD1: three lines
of 30 characters from A–Z, 0–9 and the filler "<"), written, found in the read lines, checked.

The Căn cước công dân's zone, as this module writes and reads it:

    IDVNM<last 9 digits of the ID><check><the 12-digit ID><<<
    <birth YYMMDD><check><M|F><expiry YYMMDD><check>VNM<<<<<<<<<<<<composite>
    SURNAME<<GIVEN<NAMES<<<<<<<<<<

Check digits are ICAO's 7-3-1 weighted sums modulo 10 (digits count as themselves, A–Z as
10–35, "<" as 0); the composite covers line 1 from the document number on, and line 2's birth
date, expiry and their checks. Position 30 of line 1 is read but not interpreted (some cards
print a digit there): the composite covers it anyway. Hand-written rather than the `mrz` package
(PyPI): its last release is from 2020, and the sums are ten lines that the tests pin to ICAO's
own worked example.

Corrections, before the checks decide: in a field of digits a letter Tesseract confuses with a
digit (O, I, S, B, Z, D, Q, L) is read as that digit, in the name the reverse (the field's
alphabet says which it is); then every check must pass (each field's, the composite, the ID
ending in the document number and holding the birth year). A digit read as another digit is not
corrected: tried (one look-alike digit a zone, taken when it was the only reading that passed),
it turned a single misread digit plus a wrong "correction" into a zone that passed every check
on 1,807 of 17,453 single-digit misreadings of 31 zones: two mod-10 checks over the same digits
detect one error, they cannot locate it. A zone that fails is unreadable, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from models.extraction import ExtractedField, FieldName
from models.recognition import Box
from ocr.papers.lines import fold

WIDTH = 30
WEIGHTS = (7, 3, 1)
MRZ_CONFIDENCE = 0.98
"""A zone whose every check digit passes as read: the checks stand for the characters."""
CORRECTED = 0.9
"""A zone that passes only after letter/digit confusions were undone."""
AS_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"}
AS_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
FILLERS = str.maketrans(
    {"«": "<<", "‹": "<", "(": "<", "{": "<", "[": "<", "c": "<", "]": "I", "|": "I"}
)
"""What Tesseract makes of fillers: guillemets and opening brackets (a lower-case c where
several run together) are fillers; a closing bracket or a bar is a 1 or an I, which the field's
alphabet then tells apart. Nothing else in a zone looks like them."""


def check_digit(text: str) -> str:
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            value = 0
        total += value * WEIGHTS[index % 3]
    return str(total % 10)


def _yymmdd(day: date | None) -> str:
    return f"{day:%y%m%d}" if day else "<<<<<<"


def _name_field(name: str) -> str:
    words = fold(name).upper().split()
    text = words[0] + "<<" + "<".join(words[1:]) if words else ""
    return text[:WIDTH].ljust(WIDTH, "<")


def td1(personal_id: str, born: date, male: bool, expiry: date | None, name: str) -> list[str]:
    """The three lines of a Căn cước công dân holder's zone (for generated cards)."""
    number = personal_id[-9:]
    line1 = f"IDVNM{number}{check_digit(number)}{personal_id}".ljust(WIDTH, "<")
    birth, until = _yymmdd(born), _yymmdd(expiry)
    until_check = check_digit(until) if expiry else "<"
    start = f"{birth}{check_digit(birth)}{'M' if male else 'F'}{until}{until_check}VNM"
    body = start.ljust(WIDTH - 1, "<")
    composite = check_digit(line1[5:] + body[:7] + body[8:15] + body[18:])
    return [line1, body + composite, _name_field(name)]


@dataclass(frozen=True)
class ZoneValues:
    """What a zone says once every check passed."""

    personal_id: str
    born: date
    sex: str
    """male or female, as `ocr.papers.fields.sex_in` gives the printed field."""
    expiry: date | None
    name: str
    """The holder's name without marks (the zone has none), words separated by spaces."""
    corrections: int
    """Look-alike characters changed to pass the checks."""


@dataclass(frozen=True)
class Zone:
    """A checked zone and where it stands on the page."""

    values: ZoneValues
    lines: tuple[str, str, str]
    """The zone's three lines as read (compacted): each field's evidence."""
    page: int
    box: Box
    name_confidence: float
    """The name line's own: no check digit covers it."""

    @property
    def confidence(self) -> float:
        return MRZ_CONFIDENCE if self.values.corrections == 0 else CORRECTED


@dataclass(frozen=True)
class Unreadable:
    reason: str
    page: int
    box: Box


def _typed(text: str, digits: bool) -> tuple[str, int] | None:
    """`text` with confusable characters read as its field's type, and how many were changed;
    None when a character can be neither."""
    out, changed = [], 0
    for char in text:
        if char.isdigit() == digits or char == "<":
            out.append(char)
            continue
        twin = (AS_DIGIT if digits else AS_LETTER).get(char)
        if twin is None:
            return None
        out.append(twin)
        changed += 1
    return "".join(out), changed


def _date(yymmdd: str, century: int) -> date | None:
    try:
        return date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return None


START = re.compile(r"[IT1L][D0O]VNM")


def _fields(one: str, two: str) -> tuple[str, str, str, str, str, str, int] | str:
    """Number+check+ID, position 30, birth+check, sex, expiry+check and the composite, each
    read as digits (letters that look like digits changed, counted), or why they are not."""
    head = _typed(one[5:27], digits=True)
    birth = _typed(two[0:7], digits=True)
    until = (two[8:15], 0) if two[8:15] == "<" * 7 else _typed(two[8:15], digits=True)
    composite = _typed(two[-1:], digits=True)
    if head is None or len(head[0]) != 22 or not head[0].isdigit():
        return "line 1: the number and the ID are not 22 digits"
    if birth is None or until is None or composite is None or len(two) < 19:
        return "line 2: dates or checks are not digits"
    changed = head[1] + birth[1] + until[1] + composite[1]
    position30 = one[27:].strip("<")[-1:] or "<"
    sex = {"M": "M", "F": "F"}.get(two[7:8], "?")
    return head[0], position30, birth[0], sex, until[0], composite[0], changed


def _failed(
    number: str, personal_id: str, position30: str, birth: str, until: str, composite: str
) -> list[str]:
    """The checks that fail: the number's, the birth date's, the expiry's, the composite, the
    ID ending in the number and holding the birth year."""
    line1 = f"IDVNM{number}{personal_id}".ljust(WIDTH - 1, "<") + position30
    permanent = until == "<" * 7
    checks = {
        "document number": check_digit(number[:9]) == number[9],
        "birth date": check_digit(birth[:6]) == birth[6],
        "expiry": permanent or check_digit(until[:6]) == until[6],
        "composite": check_digit(line1[5:] + birth + until + "<" * 11) == composite,
        "ID": personal_id.endswith(number[:9]) and personal_id[4:6] == birth[:2],
    }
    return [name for name, ok in checks.items() if not ok]


def compact(text: str) -> str:
    """A read line as zone characters: fillers restored, marks dropped, capitals, no spaces,
    nothing outside A–Z, 0–9 and "<"."""
    text = fold(text.translate(FILLERS)).upper()
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c == "<"))


def zone_lines(texts: Sequence[str]) -> list[str] | None:
    """The three zone lines among read lines: the one that starts like IDVNM and the two after."""
    lines = [compact(t) for t in texts]
    for index, line in enumerate(lines):
        found = START.search(line)
        if found and index + 2 < len(lines) and found.start() <= 2:
            return [line[found.start() :], lines[index + 1], lines[index + 2]]
    return None


def check_zone(one: str, two: str, three: str) -> ZoneValues | str:
    """The zone's values when every check passes (letters read as digits), else why not."""
    fields = _fields(one, two[:WIDTH])
    if isinstance(fields, str):
        return fields
    digits, position30, birth, sex, until, composite, typed = fields
    if sex == "?":
        return "sex is neither M nor F"
    failed = _failed(digits[:10], digits[10:], position30, birth, until, composite)
    if failed:
        return "check failed: " + ", ".join(failed)
    personal_id = digits[10:]
    # the ID's fourth digit tells the century of birth (0/1: 1900s, 2/3: 2000s)
    born = _date(birth[:6], 1900 + 100 * (int(personal_id[3]) // 2))
    permanent = until[0] == "<"
    expiry = None if permanent else _date(until[:6], 2000)
    if born is None or (not permanent and expiry is None):
        return "a date that does not exist"
    name = _typed(three.strip("<"), digits=False)
    words = re.split(r"<+", name[0]) if name else []
    return ZoneValues(
        personal_id=personal_id,
        born=born,
        sex="male" if sex == "M" else "female",
        expiry=expiry,
        name=" ".join(w for w in words if w),
        corrections=typed,
    )


LINE_OF = {FieldName.PERSONAL_ID: 0, FieldName.FULL_NAME: 2}
"""The zone line a field stands on (the others, on the second)."""
NAME_FLOOR = 0.7
"""No check covers the name: below this confidence of its line it is not taken."""


def zone_fields(zone: Zone) -> list[ExtractedField]:
    """The zone's fields, each with the zone's box as evidence; the name with its line's own
    confidence, as no check covers it, and only if it reads well and as two words or more."""
    found, sure = zone.values, zone.confidence
    values = {
        FieldName.PERSONAL_ID: (found.personal_id, sure),
        FieldName.DATE_OF_BIRTH: (found.born.isoformat(), sure),
        FieldName.SEX: (found.sex, sure),
        FieldName.VALID_UNTIL: (found.expiry.isoformat() if found.expiry else "permanent", sure),
        FieldName.FULL_NAME: (found.name, zone.name_confidence),
    }
    return [
        ExtractedField(
            name=name,
            value=value,
            confidence=conf,
            page=zone.page,
            box=zone.box,
            evidence="MRZ: " + zone.lines[LINE_OF.get(name, 1)],
        )
        for name, (value, conf) in values.items()
        if value
        and (name is not FieldName.FULL_NAME or (conf >= NAME_FLOOR and len(value.split()) >= 2))
    ]
