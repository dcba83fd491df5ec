"""Reading order of a page with ruled tables: each table row by row, each row cell by cell,
each cell's words line by line; the words outside tables keep `ocr.layout`'s order and roles.

A form's label and its value are then read together ("Họ và tên" "NGUYỄN VĂN AN"), where a
whitespace cut that prefers columns reads every label before every value. Each cell with words
becomes a block of its own; a table goes where the page's order reaches its top edge.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from numpy.typing import NDArray

from models.recognition import BlockRole, Box, Region, Table, TextBlock, Word
from ocr.layout import arrange
from ocr.readable import mark_ink, readable
from ocr.text import enclosing, nfc

RULE_INK = frozenset("|¦_[]")
"""What Tesseract reads a ruling line as, when it is still on the page it reads (a 1-bit scan's
rules are not erased: see `ocr.prepare.prepare_page`). No Vietnamese word is made of them."""
INSIDE = 0.4
"""A word belongs to the table that holds this share of its box or more (text touching a rule,
a last line printed across the table's bottom rule)."""


@dataclass(frozen=True)
class TableLayout:
    words: list[Word]
    """The page's words in reading order, `block` and `line` numbered in that order."""
    blocks: list[TextBlock]
    tables: list[Table]
    """The tables with words, each cell's `block` set (its text is set by `with_text`)."""


def arrange_with_tables(
    words: Sequence[Word], regions: Sequence[Region], tables: Sequence[Table], width: int
) -> TableLayout:
    """Order `words` as a person reads the page, tables row by row and cell by cell."""
    words = [words[i] for i in readable(words, regions)]
    places = _places(words, tables)
    outside = [w for w, place in zip(words, places, strict=True) if place is None]
    layout = arrange(outside, regions, width)
    if not any(place is not None for place in places):
        return TableLayout(layout.words, layout.blocks, [])
    units = [
        _Unit(
            block.box.top,
            [list(ln) for _, ln in groupby(members, key=lambda w: w.line)],
            block.role,
        )
        for (_, members), block in zip(
            groupby(layout.words, key=lambda w: w.block), layout.blocks, strict=True
        )
    ]
    # In a paper laid out by Decree 30/2020, a table is part of its body.
    role = BlockRole.BODY if any(b.role is not None for b in layout.blocks) else None
    inside: dict[tuple[int, int], list[Word]] = {}
    for word, place in zip(words, places, strict=True):
        cleaned = _without_rules(word)
        if place is not None and cleaned is not None and not mark_ink(cleaned, regions):
            inside.setdefault(place, []).append(cleaned)
    cells_of = {
        t: [(cell, _lines(inside.get((t, c), []))) for c, cell in enumerate(table.cells)]
        for t, table in enumerate(tables)
        if any((t, c) in inside for c in range(len(table.cells)))
    }
    # A table goes before the first block, in the page's order, that starts below its top.
    pending = sorted(cells_of, key=lambda t: tables[t].box.top)
    ordered: list[_Unit] = []
    for unit in units:
        while pending and tables[pending[0]].box.top <= unit.top:
            ordered.append(_Unit(tables[pending[0]].box.top, [], None, table=pending.pop(0)))
        ordered.append(unit)
    ordered += [_Unit(tables[t].box.top, [], None, table=t) for t in pending]

    built = _Builder()
    kept: list[Table] = []
    for unit in ordered:
        if unit.table is None:
            built.add(unit.lines, unit.role)
            continue
        numbered = [
            cell.model_copy(update={"block": built.add(lines, role) if lines else None})
            for cell, lines in cells_of[unit.table]
        ]
        kept.append(tables[unit.table].model_copy(update={"cells": numbered}))
    return TableLayout(built.words, built.blocks, kept)


@dataclass(frozen=True)
class _Unit:
    """A block to be (its lines of words and role) or a whole table, and where it starts."""

    top: int
    lines: list[list[Word]]
    role: BlockRole | None
    table: int | None = None


class _Builder:
    """Blocks and lines numbered in the order they are added."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.blocks: list[TextBlock] = []
        self.line = 0

    def add(self, lines: list[list[Word]], role: BlockRole | None) -> int:
        number = len(self.blocks)
        self.blocks.append(
            TextBlock(
                number=number,
                box=enclosing([w.box for ln in lines for w in ln]),
                lines=len(lines),
                role=role,
            )
        )
        for ln in lines:
            self.words.extend(w.model_copy(update={"block": number, "line": self.line}) for w in ln)
            self.line += 1
        return number


def with_text(tables: Sequence[Table], words: Sequence[Word]) -> list[Table]:
    """The tables with each cell's text: its block's words (as stored, after correction), a
    line per line."""
    lines: dict[int, list[list[str]]] = {}
    previous: tuple[int, int] | None = None
    for word in words:
        block = lines.setdefault(word.block, [])
        if previous != (word.block, word.line):
            block.append([])
        block[-1].append(word.text)
        previous = (word.block, word.line)
    return [
        table.model_copy(
            update={
                "cells": [
                    cell.model_copy(
                        update={
                            "text": nfc("\n".join(" ".join(ln) for ln in lines.get(cell.block, [])))
                            if cell.block is not None
                            else ""
                        }
                    )
                    for cell in table.cells
                ]
            }
        )
        for table in tables
    ]


def _places(words: Sequence[Word], tables: Sequence[Table]) -> list[tuple[int, int] | None]:
    """(table, cell) of each word: the first table holding `INSIDE` of its box or more, and in
    it the cell holding most of it (the first such cell on a tie). A word inside a table is the
    table's, even one Tesseract made across cells (a column of item numbers read as one tall
    word): placed anywhere else, it would start the page's order in the middle of the table.
    One array of overlaps per table: a real annex page has 700 words and 25 cells a table, and
    a Python loop over them cost 35 ms a page."""
    places: list[tuple[int, int] | None] = [None] * len(words)
    if not words or not tables:
        return places
    boxes = np.array(
        [[w.box.left, w.box.top, w.box.width, w.box.height] for w in words], dtype=np.int64
    )
    area = np.maximum(1, boxes[:, 2] * boxes[:, 3])
    free = np.ones(len(words), dtype=bool)
    for t, table in enumerate(tables):
        inside = free & (_overlaps(boxes, [table.box])[:, 0] >= INSIDE * area)
        if not inside.any() or not table.cells:
            continue
        shares = _overlaps(boxes[inside], [cell.box for cell in table.cells])
        for i, cell in zip(np.nonzero(inside)[0], np.argmax(shares, axis=1), strict=True):
            places[int(i)] = (t, int(cell))
        free &= ~inside
    return places


def _overlaps(boxes: NDArray[np.int64], others: Sequence[Box]) -> NDArray[np.int64]:
    """Area each of `boxes` (left, top, width, height rows) shares with each of `others`."""
    o = np.array([[b.left, b.top, b.width, b.height] for b in others], dtype=np.int64)
    right = np.minimum((boxes[:, 0] + boxes[:, 2])[:, None], (o[:, 0] + o[:, 2])[None, :])
    bottom = np.minimum((boxes[:, 1] + boxes[:, 3])[:, None], (o[:, 1] + o[:, 3])[None, :])
    width = right - np.maximum(boxes[:, 0][:, None], o[:, 0][None, :])
    height = bottom - np.maximum(boxes[:, 1][:, None], o[:, 1][None, :])
    return np.asarray(np.clip(width, 0, None) * np.clip(height, 0, None))


def _without_rules(word: Word) -> Word | None:
    """A word of a table without the rules read with it: None when it is all rule ("|", "|_",
    "|-"), else without a bar at either end ("|Bộ" is "Bộ")."""
    if set(word.text) & RULE_INK and set(word.text) <= RULE_INK | set("-—:.,;"):
        return None
    text = word.text.strip("|¦")
    if text == word.text:
        return word
    return word.model_copy(update={"text": text}) if text else None


def _lines(words: list[Word]) -> list[list[Word]]:
    """A cell's words as lines, top to bottom, each left to right. A word joins a line when its
    middle is within half a typical word's height of the line's middle: a word whose box
    Tesseract stretched over two lines must not glue them into one (their words would then be
    read interleaved, left to right). Tesseract's own lines may run across cells once the rules
    are erased, so they are not used here."""
    if not words:
        return []
    height = statistics.median(w.box.height for w in words)
    lines: list[list[Word]] = []
    sums: list[float] = []  # of the middles of each line's words
    for word in sorted(words, key=lambda w: (w.box.top + w.box.height / 2, w.box.left)):
        middle = word.box.top + word.box.height / 2
        if lines and abs(middle - sums[-1] / len(lines[-1])) <= height / 2:
            lines[-1].append(word)
            sums[-1] += middle
        else:
            lines.append([word])
            sums.append(middle)
    return [sorted(line, key=lambda w: w.box.left) for line in lines]
