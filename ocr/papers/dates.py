"""Dates as Vietnamese papers print them, to ISO: "ngày 05 tháng 3 năm 2021", "05/03/2021",
"05-03-2021", "05.03.2021"; on folded text (no marks), so "ngay 5 thang 3 nam 2021" reads too.

Digits misread as letters (O for 0, l or I for 1) are taken back inside a date's digit groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr.papers.lines import fold

_D = r"[0-9OoIl|]"
# ngày … tháng … năm …: the three words are only checked loosely (their first letters and
# length), as OCR misreads them ("nạn" for "năm") while the digits between them stand; a
# fax may run a number into the next word with a dot or a semicolon ("tháng 4.năm 2022")
_WORDS = re.compile(
    rf"\bng[a-z]{{1,3}}\s*[:,.]?\s*({_D}{{1,2}})\s*[,.;]?\s*th?[a-z]{{2,4}}\s*[:,]?\s*"
    rf"({_D}{{1,2}})\s*[,.;]?\s*n[a-z]{{1,3}}\s*[:,]?\s*({_D}{{4}})",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    rf"(?<![0-9])({_D}{{1,2}})\s?[/.\-]\s?({_D}{{1,2}})\s?[/.\-]\s?({_D}{{4}})(?![0-9])"
)
_DIGITS = str.maketrans("OoIl|", "00111")
EARLIEST = 1900
LATEST = 2100


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int

    @property
    def iso(self) -> str:
        return self.value.isoformat()


def find_dates(folded: str) -> list[DateMatch]:
    """Every valid date in `folded` (see `lines.fold`), in order of position."""
    found = []
    for pattern in (_WORDS, _NUMERIC):
        for match in pattern.finditer(folded):
            day, month, year = (int(g.translate(_DIGITS)) for g in match.groups())
            if not EARLIEST <= year <= LATEST:
                continue
            try:
                value = date(year, month, day)
            except ValueError:
                continue
            found.append(DateMatch(value, match.start(), match.end()))
    found.sort(key=lambda m: m.start)
    # a numeric date inside a spelled-out one cannot happen; overlaps are dropped all the same
    kept: list[DateMatch] = []
    for candidate in found:
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


def parse_date(text: str) -> date | None:
    """The first date in `text` (any case, with or without marks), or None."""
    found = find_dates(fold(text))
    return found[0].value if found else None
