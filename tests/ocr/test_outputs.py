"""The searchable PDF: the colour page at its size with Tesseract's invisible text on top."""

from __future__ import annotations

import io
import subprocess

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from ocr.engine import recognise
from ocr.outputs import document_pdf, page_pdf
from synth.render import SERIF


def _line(text: str) -> Image.Image:
    image = Image.new("RGB", (1240, 300), "white")
    ImageDraw.Draw(image).text(
        (60, 100), text, font=ImageFont.truetype(str(SERIF), 50), fill="black"
    )
    return image


def test_page_pdf_is_the_colour_image_with_its_text_searchable() -> None:
    image = _line("Quyết định cấp giấy chứng nhận")
    output = recognise(image.convert("L"), languages="vie", timeout=60)
    pdf = page_pdf(image, output.text_pdf, dpi=150)
    assert pdf.startswith(b"%PDF-1.5")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    # 1240 px at 150 dpi is 8.27 in, 595 pt: the paper's own size
    assert abs(float(page.mediabox.width) - 1240 / 150 * 72) < 1
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Quyết định" in " ".join(text.split())
    assert "ocrx_word" in output.hocr and "Quyết" in output.hocr


def test_the_text_layer_lies_on_the_words_of_the_image() -> None:
    """Tesseract sizes its page at the resolution it estimates; the layer is scaled onto ours."""
    image = _line("Quyết định cấp giấy chứng nhận")
    output = recognise(image.convert("L"), languages="vie", timeout=60)
    pdf = page_pdf(image, output.text_pdf, dpi=150)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    first = next(line for line in boxes.splitlines() if "Quyết" in line)
    x_min = float(first.split('xMin="')[1].split('"')[0])
    word = next(w for w in output.words if w.text.startswith("Quyết"))
    assert abs(x_min - word.box.left * 72 / 150) < 3  # points


def test_document_pdf_keeps_page_order() -> None:
    image = _line("Giấy mời")
    layer = recognise(image.convert("L"), languages="vie", timeout=60).text_pdf
    pages = [page_pdf(_line(str(n)), None, dpi=150) for n in range(2)]
    pages.append(page_pdf(image, layer, dpi=150))
    joined = PdfReader(io.BytesIO(document_pdf(pages)))
    assert len(joined.pages) == 3
    assert "Giấy mời" in (joined.pages[2].extract_text() or "")
