"""Vietnamese text as we store it: Unicode NFC, words joined into lines in reading order.

Tesseract may emit combining marks (decomposed) for Vietnamese; search, comparison and display
all expect one composed form, so every text leaving `ocr/` goes through `nfc`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from itertools import groupby

from models.recognition import Box, PageResult, Table, TextBlock, TextLine, Word


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_text(words: list[Word]) -> str:
    """Lines of words joined by spaces; a blank line between Tesseract blocks."""
    blocks: list[str] = []
    for _, block_words in groupby(words, key=lambda w: w.block):
        lines = [
            " ".join(w.text for w in line_words)
            for _, line_words in groupby(block_words, key=lambda w: w.line)
        ]
        blocks.append("\n".join(lines))
    return nfc("\n\n".join(blocks))


def enclosing(boxes: list[Box]) -> Box:
    left, top = min(b.left for b in boxes), min(b.top for b in boxes)
    right = max(b.left + b.width for b in boxes)
    bottom = max(b.top + b.height for b in boxes)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


def lines_of(words: list[Word]) -> list[TextLine]:
    """The page's lines in reading order: their text, box, block and mean confidence."""
    lines = []
    for _, group in groupby(words, key=lambda w: (w.block, w.line)):
        members = list(group)
        lines.append(
            TextLine(
                text=nfc(" ".join(w.text for w in members)),
                box=enclosing([w.box for w in members]),
                block=members[0].block,
                confidence=sum(w.confidence for w in members) / len(members),
            )
        )
    return lines


def blocks_of(lines: list[TextLine]) -> list[TextBlock]:
    return [
        TextBlock(number=number, box=enclosing([ln.box for ln in group]), lines=len(group))
        for number, group in ((n, list(g)) for n, g in groupby(lines, key=lambda ln: ln.block))
    ]


def reading_units(page: PageResult) -> Iterator[tuple[int, list[Word]] | Table]:
    """The page's content in reading order, as its outputs (hOCR, ALTO) write it: a block's
    number and its words, or a ruled table once, where its first cell's block comes."""
    table_of = {
        cell.block: t
        for t, table in enumerate(page.tables)
        for cell in table.cells
        if cell.block is not None
    }
    written: set[int] = set()
    for block, words in words_by_block(page).items():
        t = table_of.get(block)
        if t is None:
            yield block, words
        elif t not in written:
            written.add(t)
            yield page.tables[t]


def words_by_block(page: PageResult) -> dict[int, list[Word]]:
    """Each block's words, blocks in the order they first come."""
    blocks: dict[int, list[Word]] = {}
    for word in page.words:
        blocks.setdefault(word.block, []).append(word)
    return blocks
