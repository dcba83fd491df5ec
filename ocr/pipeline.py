"""The recognition pipeline: decode pages → prepare each page → Tesseract → NFC text.

This first version prepares a page by greyscale conversion only; the preprocessing stages
(geometry, photometry, quality verdict) slot in at `prepare_page`.
"""

from __future__ import annotations

from PIL import Image

from models.recognition import DocumentResult, PageResult
from ocr.engine import recognise_words
from ocr.load import iter_pages
from ocr.options import OcrOptions
from ocr.text import nfc, page_text


def recognise_document(data: bytes, options: OcrOptions) -> DocumentResult:
    """Recognise every page of a scanned file (image or PDF bytes)."""
    pages = [
        recognise_page(image, number, options)
        for number, image in enumerate(
            iter_pages(
                data,
                dpi=options.pdf_dpi,
                max_pixels=options.max_pixels,
                timeout=options.page_timeout,
            ),
            start=1,
        )
    ]
    return DocumentResult(pages=pages, languages=options.languages)


def recognise_page(image: Image.Image, number: int, options: OcrOptions) -> PageResult:
    prepared = prepare_page(image)
    words = [
        word.model_copy(update={"text": nfc(word.text)})
        for word in recognise_words(
            prepared, languages=options.languages, timeout=options.page_timeout
        )
    ]
    confidences = [w.confidence for w in words]
    return PageResult(
        number=number,
        width=image.width,
        height=image.height,
        text=page_text(words),
        words=words,
        mean_confidence=sum(confidences) / len(confidences) if confidences else None,
    )


def prepare_page(image: Image.Image) -> Image.Image:
    """Everything done to a page before Tesseract sees it."""
    return image.convert("L")
