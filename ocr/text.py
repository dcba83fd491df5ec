"""Vietnamese text as we store it: Unicode NFC, words joined into lines in reading order.

Tesseract may emit combining marks (decomposed) for Vietnamese; search, comparison and display
all expect one composed form, so every text leaving `ocr/` goes through `nfc`.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby

from models.recognition import Word


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
