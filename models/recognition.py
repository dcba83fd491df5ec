"""What recognition produces: words with boxes and confidences, grouped into pages of a document.

These are plain values, serialisable to JSON as they are (the `sohoa ocr --format json` output and
the per-page artefact in the object store share this shape).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Box(BaseModel):
    """A rectangle in page pixels: left, top, width, height (Tesseract's convention)."""

    model_config = ConfigDict(frozen=True)

    left: int
    top: int
    width: int
    height: int


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    confidence: float = Field(ge=0, le=100, description="Tesseract's word confidence, 0..100")
    box: Box
    block: int = Field(description="Tesseract block number on the page")
    line: int = Field(description="line index on the page, in reading order, from 0")


class PageSource(StrEnum):
    OCR = "ocr"
    TEXT_LAYER = "text_layer"
    """A born-digital PDF page: its text was extracted, not recognised."""


class PageResult(BaseModel):
    number: int = Field(ge=1, description="page number in the document, from 1")
    width: int
    height: int
    text: str = Field(description="Unicode NFC, lines joined by newlines")
    words: list[Word]
    mean_confidence: float | None = Field(
        description="mean word confidence, 0..100; None when the page has no words"
    )
    source: PageSource = PageSource.OCR


class DocumentResult(BaseModel):
    pages: list[PageResult]
    languages: str

    @property
    def text(self) -> str:
        """The whole document's text, pages separated by a form feed as Tesseract does."""
        return "\f".join(page.text for page in self.pages)

    @property
    def mean_confidence(self) -> float | None:
        confidences = [w.confidence for page in self.pages for w in page.words]
        return sum(confidences) / len(confidences) if confidences else None
