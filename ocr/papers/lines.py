"""A page's lines as field extraction reads them: the words, a folded copy of the text for
matching, and the way back from a matched span to the words' boxes and confidences.

Folding (lower case, no marks, đ → d) keeps one character per character, so an offset found in
the folded text is an offset in the real text: OCR that drops or confuses marks still matches.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import groupby

from models.recognition import BlockRole, Box, DocumentResult, PageResult, Word
from ocr.text import enclosing


def fold(text: str) -> str:
    """Lower case without marks, character for character (Đường → duong)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append("d" if base == "đ" else base if len(base) == 1 else ch)
    return "".join(out)


@dataclass(frozen=True)
class Line:
    page: int
    words: tuple[Word, ...]
    text: str
    """The words joined by single spaces (NFC, as recognised)."""
    folded: str
    starts: tuple[int, ...]
    """Offset in `text` where each word starts."""
    role: BlockRole | None
    top: float
    """Top of the line as a share of the page height (0 top, 1 bottom)."""
    centre: float
    """Horizontal centre as a share of the page width."""

    def words_in(self, start: int, end: int) -> list[Word]:
        """The words that overlap the span [start, end) of `text`."""
        return [
            word
            for word, at in zip(self.words, self.starts, strict=True)
            if at < end and at + len(word.text) > start
        ]

    def box(self, start: int, end: int) -> Box | None:
        words = self.words_in(start, end)
        return enclosing([w.box for w in words]) if words else None

    def confidence(self, start: int, end: int) -> float:
        """Mean Tesseract confidence of the span's words, 0..1 (1 for a born-digital page)."""
        words = self.words_in(start, end)
        return sum(w.confidence for w in words) / (100 * len(words)) if words else 0.0

    @property
    def upper_share(self) -> float:
        letters = [c for c in self.text if c.isalpha()]
        return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def page_lines(page: PageResult) -> list[Line]:
    """The page's lines in reading order, each with its block's role when layout told it."""
    roles = {block.number: block.role for block in page.blocks}
    lines = []
    for _, group in groupby(page.words, key=lambda w: (w.block, w.line)):
        for words in _columns([w for w in group if w.text.strip()]):
            lines.append(_line(page, words, roles))
    return lines


COLUMN_GAP = 3.0
"""A gap wider than this many word heights splits a line: two columns Tesseract read as one."""


def _columns(words: list[Word]) -> list[tuple[Word, ...]]:
    runs: list[list[Word]] = []
    for word in words:
        if runs:
            last = runs[-1][-1]
            gap = word.box.left - (last.box.left + last.box.width)
            if gap <= COLUMN_GAP * max(word.box.height, last.box.height):
                runs[-1].append(word)
                continue
        runs.append([word])
    return [tuple(run) for run in runs]


def _line(page: PageResult, words: tuple[Word, ...], roles: dict[int, BlockRole | None]) -> Line:
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word.text) + 1
    text = " ".join(w.text for w in words)
    box = enclosing([w.box for w in words])
    return Line(
        page=page.number,
        words=words,
        text=text,
        folded=fold(text),
        starts=tuple(starts),
        role=roles.get(words[0].block),
        top=box.top / max(page.height, 1),
        centre=(box.left + box.width / 2) / max(page.width, 1),
    )


def document_lines(result: DocumentResult) -> list[Line]:
    return [line for page in result.pages for line in page_lines(page)]
