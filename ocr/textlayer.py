"""Born-digital PDF pages: their text is already there, so it is extracted (poppler), not OCR'd.

A page counts as born-digital when its text layer holds real text; its words keep their boxes,
converted from PDF points to pixels at the dpi other pages are rendered at, so they line up.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from models.errors import CorruptFile
from models.recognition import Box, Word
from ocr.text import nfc

_NS = "{http://www.w3.org/1999/xhtml}"
# Fewer letters than this is a stray mark or a page number on a scan, not a text layer.
MIN_LETTERS = 20


@dataclass(frozen=True)
class TextLayer:
    words: list[Word]
    width: int
    height: int


def text_layer(data: bytes, number: int, *, dpi: int, timeout: float) -> TextLayer | None:
    """Page `number`'s own text with boxes in pixels at `dpi`, or None when it has none."""
    try:
        done = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-bbox-layout", "-", "-"],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile("Không đọc được trang PDF trong thời gian cho phép") from exc
    except (OSError, subprocess.CalledProcessError) as exc:
        raise CorruptFile(detail=str(exc)[:300]) from exc
    try:
        root = ET.fromstring(done.stdout)  # noqa: S314 (poppler's own output, not user XML)
    except ET.ParseError as exc:
        raise CorruptFile(detail=f"pdftotext output: {exc}") from exc
    page = root.find(f".//{_NS}page")
    if page is None:
        return None
    scale = dpi / 72
    words: list[Word] = []
    lines = (
        (block_number, line)
        for block_number, block in enumerate(page.iter(f"{_NS}block"), start=1)
        for line in block.iter(f"{_NS}line")
    )
    for line_index, (block_number, line) in enumerate(lines):
        for word in line.iter(f"{_NS}word"):
            text = (word.text or "").strip()
            if not text:
                continue
            left, top = float(word.get("xMin", 0)), float(word.get("yMin", 0))
            right, bottom = float(word.get("xMax", 0)), float(word.get("yMax", 0))
            words.append(
                Word(
                    text=nfc(text),
                    confidence=100.0,
                    box=Box(
                        left=round(left * scale),
                        top=round(top * scale),
                        width=max(1, round((right - left) * scale)),
                        height=max(1, round((bottom - top) * scale)),
                    ),
                    block=block_number,
                    line=line_index,
                )
            )
    if sum(ch.isalnum() for w in words for ch in w.text) < MIN_LETTERS:
        return None
    return TextLayer(
        words=words,
        width=round(float(page.get("width", 0)) * scale),
        height=round(float(page.get("height", 0)) * scale),
    )
