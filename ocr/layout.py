"""Reading order and block roles of a page laid out by Decree 30/2020, from Tesseract's one pass.

Tesseract reads a two-column header or footer line by line across both columns ("ỦY BAN NHÂN DÂN
CỘNG HÒA XÃ HỘI…"); here its lines are cut at wide gaps into pieces, the pieces ordered by a
recursive whitespace cut that prefers columns, and each piece given the role a clerk would see.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise

from models.recognition import BlockRole, Region, TextBlock, Word
from ocr.readable import readable
from ocr.text import enclosing

SPLIT_GAP = 2.0
"""A gap wider than this many word heights inside one Tesseract line separates two columns."""
SPACING = 1.6
"""…or wider than this many times the line's median space between words."""
GUTTER = 0.5
"""A vertical strip of white at least this many word heights wide, across a group, is a gutter."""
PARAGRAPH_GAP = 1.0
"""Body lines further apart than this many word heights start a new block."""


@dataclass(frozen=True)
class Piece:
    """A run of words of one Tesseract line, with no column gap inside: the unit of ordering."""

    words: tuple[int, ...]
    """Indices into the page's words, left to right."""
    left: int
    top: int
    right: int
    bottom: int
    text: str
    line: int
    """Tesseract's line it was cut from."""


@dataclass(frozen=True)
class Layout:
    order: list[int]
    """Indices of the page's words in reading order; junk inside seals and signatures left out."""
    words: list[Word]
    """Those words, with `block` the number of their block and `line` renumbered in order."""
    blocks: list[TextBlock]


def arrange(words: Sequence[Word], regions: Sequence[Region], width: int) -> Layout:
    """Order `words` as a person reads the page and tell each block's role."""
    kept = readable(words, regions)
    if not kept:
        return Layout([], [], [])
    height = statistics.median(words[i].box.height for i in kept)
    pieces = rejoin(reading_order(cut_lines(words, kept, height), height))
    roles = assign_roles(pieces, width)
    order: list[int] = []
    arranged: list[Word] = []
    blocks: list[TextBlock] = []
    line = 0
    for number, group in enumerate(_blocks(pieces, roles, height)):
        members = [words[i] for piece, _ in group for i in piece.words]
        blocks.append(
            TextBlock(
                number=number,
                box=enclosing([w.box for w in members]),
                lines=len(group),
                role=group[0][1],
            )
        )
        for piece, _ in group:
            for i in piece.words:
                order.append(i)
                arranged.append(words[i].model_copy(update={"block": number, "line": line}))
            line += 1
    return Layout(order, arranged, blocks)


def cut_lines(words: Sequence[Word], kept: Sequence[int], height: float) -> list[Piece]:
    """Tesseract's lines split wherever the gap between two words is a column gap: wider than
    `SPLIT_GAP` word heights, or clearly wider than the line's own word spacing (a tight header
    gutter is only a little wider than a space, but it is wider)."""
    pieces: list[Piece] = []
    for line, group in groupby(kept, key=lambda i: words[i].line):
        members = sorted(group, key=lambda i: words[i].box.left)
        gaps = [words[b].box.left - _right(words[a]) for a, b in pairwise(members)]
        limit = SPLIT_GAP * height
        if len(gaps) >= 3:
            # Clearly wider than a space, and wider by a good part of a word's height: a word
            # box Tesseract set off its glyph leaves one space narrow and the next 1.75 times
            # the line's ("hydrocarbon ở  thể"), and a body line cut there was read in halves.
            median = statistics.median(gaps)
            limit = max(0.6 * height, min(limit, max(SPACING * median, median + 0.5 * height)))
        run = members[:1]
        for i, gap in zip(members[1:], gaps, strict=True):
            if gap > limit:
                pieces.append(_piece(words, run, line))
                run = []
            run.append(i)
        pieces.append(_piece(words, run, line))
    return pieces


def rejoin(pieces: Sequence[Piece]) -> list[Piece]:
    """Pieces of one Tesseract line that stayed next to each other in reading order: one piece
    again (a line cut where it only had a wide space)."""
    joined: list[Piece] = []
    for piece in pieces:
        last = joined[-1] if joined else None
        if last is not None and last.line == piece.line and piece.left >= last.right:
            joined[-1] = Piece(
                words=last.words + piece.words,
                left=last.left,
                top=min(last.top, piece.top),
                right=piece.right,
                bottom=max(last.bottom, piece.bottom),
                text=f"{last.text} {piece.text}",
                line=last.line,
            )
        else:
            joined.append(piece)
    return joined


def _right(word: Word) -> int:
    return word.box.left + word.box.width


def _piece(words: Sequence[Word], indices: list[int], line: int) -> Piece:
    box = enclosing([words[i].box for i in indices])
    return Piece(
        words=tuple(indices),
        left=box.left,
        top=box.top,
        right=box.left + box.width,
        bottom=box.top + box.height,
        text=" ".join(words[i].text for i in indices),
        line=line,
    )


def reading_order(pieces: list[Piece], height: float) -> list[Piece]:
    """Recursive whitespace cut: columns left to right where a gutter runs through the group,
    otherwise top part before bottom part at the widest horizontal gap.

    Columns come first so that a header's left block is read whole before its right block, even
    though the rows of the two blocks leave white gaps right across the header.
    """
    if len(pieces) <= 1:
        return pieces
    columns = _side_by_side(
        _split(pieces, lambda p: (p.left, p.right), GUTTER * height, widest_only=False)
    )
    if len(columns) > 1:
        return [p for column in columns for p in reading_order(column, height)]
    rows = _split(pieces, lambda p: (p.top, p.bottom), 0.0, widest_only=True)
    if len(rows) > 1:
        return [p for row in rows for p in reading_order(row, height)]
    # Overlapping every way (a word box that swallowed its neighbours, a slash boxed taller
    # than its line): Tesseract's own line order, each line left to right. By the pieces' tops,
    # a card's "Quốc tịch / Nationality" (its slash 5 px above the line) was read before the
    # "Giới tính / Sex: Nam" that opens its line.
    return sorted(pieces, key=lambda p: (p.line, p.left))


def _side_by_side(columns: list[list[Piece]]) -> list[list[Piece]]:
    """Columns that stand beside each other: a white gap between a centred title and the
    left-aligned lines under it is no gutter (the title would be read after them), so groups
    that share no height are joined again and read top to bottom."""
    joined: list[list[Piece]] = []
    for column in columns:
        if joined and _overlap(joined[-1], column) <= 0:
            joined[-1] = joined[-1] + column
        else:
            joined.append(column)
    return joined


def _overlap(a: list[Piece], b: list[Piece]) -> float:
    top = max(min(p.top for p in a), min(p.top for p in b))
    bottom = min(max(p.bottom for p in a), max(p.bottom for p in b))
    return bottom - top


def _split(
    pieces: list[Piece],
    span: Callable[[Piece], tuple[int, int]],
    min_gap: float,
    *,
    widest_only: bool,
) -> list[list[Piece]]:
    """`pieces` in groups separated by white gaps wider than `min_gap` along one axis."""
    ordered = sorted(pieces, key=lambda p: span(p)[0])
    cuts: list[tuple[float, int]] = []
    reach = span(ordered[0])[1]
    for k in range(1, len(ordered)):
        start, end = span(ordered[k])
        if start - reach > min_gap:
            cuts.append((start - reach, k))
        reach = max(reach, end)
    if not cuts:
        return [pieces]
    at = [max(cuts)[1]] if widest_only else [k for _, k in cuts]
    bounds = [0, *at, len(ordered)]
    return [ordered[a:b] for a, b in pairwise(bounds)]


def plain(text: str) -> str:
    """Upper case without marks, for matching what a role's lines say despite misread marks."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^A-Z0-9/:.,\- ]", " ", bare.upper()).split())


_MOTTO = re.compile(r"CONG HOA|XA HOI CHU|CHU NGHIA VIET|DOC LAP|TU DO|HANH PHUC")
_NUMBER = re.compile(r"^S[O0]\s*[:.]?\s*\S*\d.*/")
_DATE = re.compile(r"NGAY\b.*\bTHANG\b.*\bNAM\b")
_RECIPIENTS = re.compile(r"^N[O0]I NHAN\b")
_SUBJECT = re.compile(r"^(VE VIEC|V/V)\b")
"""The summary line under a title ("Về việc …"), centred but often as wide as the body."""
_SIGNATURE = re.compile(r"^(TM|KT|TL|TUQ|Q|TQ)\s*\.")


def assign_roles(pieces: Sequence[Piece], width: int) -> list[BlockRole | None]:
    """Each piece's role, reading the page as Decree 30/2020 lays it out: header, title, body,
    then recipients and signature. None everywhere when the page has neither motto nor title
    (an ID card, a form): its blocks are not of that layout."""
    if not pieces:
        return []
    left = min(p.left for p in pieces)
    text_width = max(p.right for p in pieces) - left
    middle = left + text_width / 2
    top = min(p.top for p in pieces)
    page_height = max(p.bottom for p in pieces) - top
    roles: list[BlockRole | None] = []
    phase = "header"
    for piece in pieces:
        text = plain(piece.text)
        centre = (piece.left + piece.right) / 2
        upper = piece.top - top < 0.35 * page_height
        if phase == "title":
            if upper and (_centred(piece, middle, text_width) or _SUBJECT.search(text)):
                roles.append(BlockRole.TITLE)
                continue
            phase = "body"
        if phase == "header":
            if _MOTTO.search(text):
                roles.append(BlockRole.MOTTO)
            elif _NUMBER.search(text):
                roles.append(BlockRole.NUMBER_SYMBOL)
            elif _DATE.search(text) and upper:
                roles.append(BlockRole.PLACE_DATE)
            elif upper and _title_like(piece, text, middle, text_width):
                roles.append(BlockRole.TITLE)
                phase = "title"
            elif upper and centre < middle:
                roles.append(BlockRole.AGENCY)
            elif upper:
                roles.append(BlockRole.OTHER)
            else:
                phase = "body"
            if phase != "body":
                continue
        if phase == "body":
            if _RECIPIENTS.search(text):
                roles.append(BlockRole.RECIPIENTS)
                phase = "recipients"
            elif _SIGNATURE.search(text) and not upper:
                roles.append(BlockRole.SIGNATURE)
                phase = "signature"
            else:
                roles.append(BlockRole.BODY)
        elif phase == "recipients":
            # The list runs down the left column; the right column is the signature block.
            if _SIGNATURE.search(text) or centre >= middle:
                phase = "signature"
            roles.append(BlockRole.RECIPIENTS if phase == "recipients" else BlockRole.SIGNATURE)
        elif phase == "signature":
            roles.append(BlockRole.RECIPIENTS if _RECIPIENTS.search(text) else BlockRole.SIGNATURE)
            if roles[-1] is BlockRole.RECIPIENTS:
                phase = "recipients"
    if not {BlockRole.MOTTO, BlockRole.TITLE} & set(roles):
        return [None] * len(pieces)
    return roles


def _centred(piece: Piece, middle: float, text_width: float) -> bool:
    """Centred on the text column with a margin on both sides: a title or its summary line,
    not a body line (flush left, and flush right when justified or long)."""
    indent = piece.left - (middle - text_width / 2)
    centre = (piece.left + piece.right) / 2
    return indent > 0.03 * text_width and abs(centre - middle) < 0.03 * text_width


def _title_like(piece: Piece, text: str, middle: float, text_width: float) -> bool:
    letters = [ch for ch in piece.text if ch.isalpha()]
    capitals = sum(ch.isupper() for ch in letters)
    return (
        _centred(piece, middle, text_width) and len(letters) >= 4 and capitals >= 0.8 * len(letters)
    )


def _blocks(
    pieces: Sequence[Piece], roles: Sequence[BlockRole | None], height: float
) -> list[list[tuple[Piece, BlockRole | None]]]:
    """Consecutive pieces of one role form a block; body text also breaks at paragraph gaps."""
    blocks: list[list[tuple[Piece, BlockRole | None]]] = []
    previous: Piece | None = None
    for piece, role in zip(pieces, roles, strict=True):
        same = bool(blocks) and blocks[-1][-1][1] == role
        if same and previous is not None and role in (BlockRole.BODY, BlockRole.OTHER, None):
            gap = piece.top - previous.bottom
            same = -height < gap <= PARAGRAPH_GAP * height
        if same:
            blocks[-1].append((piece, role))
        else:
            blocks.append([(piece, role)])
        previous = piece
    return blocks
