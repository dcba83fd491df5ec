"""Hand-built recognition results: lines of text placed on an A4 page, with block roles if
given, so classification and extraction are tested without OCR."""

from __future__ import annotations

from dataclasses import dataclass

from models.recognition import BlockRole, Box, DocumentResult, PageResult, TextBlock, Word

WIDTH, HEIGHT = 2480, 3508  # A4 at 300 dpi
CHAR, ROW = 26, 60


@dataclass(frozen=True)
class Row:
    text: str
    left: float = 0.12
    """Share of the page width where the line starts."""
    top: float | None = None
    """Share of the page height; None: below the previous row."""
    role: BlockRole | None = None
    confidence: float = 95.0


def result(*rows: Row | str) -> DocumentResult:
    words: list[Word] = []
    blocks: list[TextBlock] = []
    y = 0.05
    for line, item in enumerate(rows):
        row = Row(item) if isinstance(item, str) else item
        y = row.top if row.top is not None else y + ROW / HEIGHT
        x = round(row.left * WIDTH)
        top = round(y * HEIGHT)
        first = len(words)
        for token in row.text.split():
            box = Box(left=x, top=top, width=CHAR * len(token), height=40)
            words.append(
                Word(text=token, confidence=row.confidence, box=box, block=line, line=line)
            )
            x += box.width + CHAR
        if len(words) > first:
            block_box = Box(
                left=words[first].box.left, top=top, width=x - words[first].box.left, height=40
            )
            blocks.append(TextBlock(number=line, box=block_box, lines=1, role=row.role))
    page = PageResult(
        number=1,
        width=WIDTH,
        height=HEIGHT,
        text="\n".join(r if isinstance(r, str) else r.text for r in rows),
        words=words,
        blocks=blocks,
        mean_confidence=95.0,
    )
    return DocumentResult(pages=[page], languages="vie")
