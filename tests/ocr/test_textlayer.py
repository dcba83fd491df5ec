"""Born-digital PDF pages: their own text is taken (no OCR), scanned PDF pages are recognised."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from models.recognition import PageSource
from ocr.engine import recognise_words
from ocr.options import OcrOptions
from ocr.pdf_page import page
from ocr.pipeline import recognise_document
from synth.render import SERIF

SENTENCE = "Giấy chứng nhận quyền sử dụng đất"


def _line_image() -> Image.Image:
    image = Image.new("RGB", (1240, 300), "white")
    ImageDraw.Draw(image).text(
        (60, 100), SENTENCE, font=ImageFont.truetype(str(SERIF), 50), fill="black"
    )
    return image


def _born_digital_pdf() -> bytes:
    """A PDF whose page holds its text: Tesseract's words of a rendered line as the text layer of
    a blank page of the line's size at 150 dpi."""
    image = _line_image()
    words = recognise_words(image.convert("L"), languages="vie", timeout=60)
    return page(Image.new("RGB", image.size, "white"), words, dpi=150, size=image.size)


def _scanned_pdf() -> bytes:
    buffer = io.BytesIO()
    _line_image().save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def test_a_born_digital_page_is_extracted_not_recognised() -> None:
    writer = PdfWriter()
    for data in (_born_digital_pdf(), _scanned_pdf()):
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    digital, scanned = recognise_document(buffer.getvalue(), OcrOptions(pdf_dpi=150)).pages
    assert digital.source is PageSource.TEXT_LAYER
    assert digital.text == SENTENCE and digital.mean_confidence is None
    # boxes are in pixels at the render dpi, where the text was drawn (x = 60 px at 150 dpi)
    assert abs(digital.words[0].box.left - 60) < 8
    assert digital.pdf is not None and digital.pdf.startswith(b"%PDF-")
    assert scanned.source is PageSource.OCR
    assert scanned.text == SENTENCE
