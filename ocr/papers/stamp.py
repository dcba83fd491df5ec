"""The received stamp (dấu "ĐẾN"): the box an office stamps on a paper it receives, with its
number, hour and day written in. Its lines are kept apart from the paper's own text (a stamp
merged into the header made an issuer of "THỦ TƯỚNG CHÍNH PHỦ … TIN … CHÍNH PHỦ"), and its
date and time are the paper's received time.

Found from the words: a line that starts with the word ĐẾN in the upper half of the first page,
the office's name just above it and the "Số", "Giờ", "Ngày" lines just below it, all within the
stamp's width.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.extraction import ExtractedField, FieldName
from ocr.papers.dates import find_dates
from ocr.papers.fields import Span
from ocr.papers.lines import Line
from ocr.text import enclosing

_RECEIVED = re.compile(r"^\W*den\b")
_STAMP_LINE = re.compile(r"^\W*(?:so|gio|ngay|chuyen|luu ho so)\b")
_HOUR = re.compile(r"gio\W*(\d{1,2})(?:\s*(?:h|:|gio|g)\s*(\d{1,2}))?")
REACH = 4
"""Lines below ĐẾN that may be the stamp's (Số, Giờ, Ngày, Chuyển)."""


def _near(a: Line, b: Line) -> bool:
    """Whether two lines stand in one column (their boxes overlap horizontally)."""
    one = enclosing([w.box for w in a.words])
    two = enclosing([w.box for w in b.words])
    return one.left < two.left + two.width and two.left < one.left + one.width


def stamp_lines(lines: Sequence[Line]) -> list[Line]:
    """The received stamp's lines, or none."""
    first = lines[0].page if lines else None
    for index, line in enumerate(lines):
        if line.page != first or line.top > 0.5 or not _RECEIVED.match(line.folded):
            continue
        stamp = [line]
        above = lines[index - 1] if index else None
        if above is not None and above.folded.strip().startswith("cong thong tin"):
            stamp.insert(0, above)
        for below in lines[index + 1 : index + 1 + REACH]:
            if below.page == line.page and _STAMP_LINE.match(below.folded) and _near(line, below):
                stamp.append(below)
        return stamp
    return []


def received(stamp: Sequence[Line]) -> ExtractedField | None:
    """The received date (ISO, with its hour and minute when written: 2021-03-05T14:30)."""
    for line in stamp:
        dates = find_dates(line.folded)
        if not dates:
            continue
        found = dates[0]
        value, end = found.iso, found.end
        for other in stamp:
            hour = _HOUR.search(other.folded)
            if hour and int(hour.group(1)) < 24 and int(hour.group(2) or 0) < 60:
                value += f"T{int(hour.group(1)):02d}:{int(hour.group(2) or 0):02d}"
                break
        return Span(line, found.start, end).field(FieldName.RECEIVED_AT, value)
    return None
