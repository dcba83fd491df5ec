"""Tesseract's own second guesses: the LSTM's per-character choices, read from its hOCR output.

Run with `-c lstm_choice_mode=2`, Tesseract writes for each word the characters its LSTM weighed
at each step with their confidences; a re-marked spelling that uses one of them is cheaper.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from models.recognition import Box, Word

TESSERACT_CONFIG = "-c lstm_choice_mode=2"
"""What the engine adds to its Tesseract call (with `image_to_pdf_or_hocr(extension="hocr")`)."""


@dataclass(frozen=True)
class Choice:
    text: str
    confidence: float
    """0..100 as Tesseract writes it (x_confs)."""


@dataclass
class HocrWord:
    text: str
    confidence: float
    box: Box
    block: int
    line: int
    steps: list[list[Choice]] = field(default_factory=list)
    """One list per LSTM step, best first."""

    def word(self) -> Word:
        return Word(
            text=self.text,
            confidence=min(max(self.confidence, 0.0), 100.0),
            box=self.box,
            block=self.block,
            line=self.line,
        )

    def alternatives(self, floor: float = 1.0) -> frozenset[str]:
        """Every letter (lower case NFC) Tesseract weighed for this word at `floor` % or more."""
        return frozenset(
            unicodedata.normalize("NFC", c.text).lower()
            for step in self.steps
            for c in step
            if c.confidence >= floor and c.text.strip()
        )


def parse_hocr(hocr: str) -> list[HocrWord]:
    """The words of a Tesseract hOCR page in reading order, with their LSTM choices if any."""
    parser = _HocrParser()
    parser.feed(hocr)
    parser.close()
    return [w for w in parser.words if w.text.strip()]


class _HocrParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[HocrWord] = []
        self._stack: list[str] = []  # the class of every open span/div/p
        self._block = 0
        self._line = -1
        self._choice: float | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("span", "div", "p"):
            return
        attributes = dict(attrs)
        kind = attributes.get("class") or ""
        ident = attributes.get("id") or ""
        title = attributes.get("title") or ""
        self._stack.append(kind if kind != "ocrx_cinfo" else ident.split("_")[0])
        if kind == "ocr_carea":
            self._block += 1
        elif kind in ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"):
            self._line += 1
        elif kind == "ocrx_word":
            self.words.append(
                HocrWord("", _title_number(title, "x_wconf"), _bbox(title), self._block, self._line)
            )
            self._text = []
        elif ident.startswith("lstm_choices") and self.words:
            self.words[-1].steps.append([])
        elif ident.startswith("choice") and self.words and self.words[-1].steps:
            self._choice = _title_number(title, "x_confs")
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("span", "div", "p") or not self._stack:
            return
        kind = self._stack.pop()
        if kind == "choice" and self._choice is not None:
            self.words[-1].steps[-1].append(Choice("".join(self._text), self._choice))
            self._choice = None
        elif kind == "ocrx_word":
            pass

    def handle_data(self, data: str) -> None:
        if not self._stack:
            return
        if self._stack[-1] == "ocrx_word" and self.words:
            self.words[-1].text += data.strip()
        elif self._stack[-1] == "choice":
            self._text.append(data)


def _title_number(title: str, key: str) -> float:
    for part in title.split(";"):
        name, _, value = part.strip().partition(" ")
        if name == key:
            return float(value.split()[0])
    return 0.0


def _bbox(title: str) -> Box:
    for part in title.split(";"):
        name, _, value = part.strip().partition(" ")
        if name == "bbox":
            left, top, right, bottom = (int(v) for v in value.split()[:4])
            return Box(left=left, top=top, width=right - left, height=bottom - top)
    return Box(left=0, top=0, width=0, height=0)
