"""Real Tesseract on a real Vietnamese page: the text comes back right and in NFC."""

import io
import unicodedata

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from models.errors import RecognitionError
from ocr.engine import available_languages
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from synth.metrics import cer
from synth.render import SERIF, SERIF_BOLD, RenderedPage


def test_the_test_font_has_every_glyph_of_the_page(vietnamese_page: RenderedPage) -> None:
    for font in (SERIF, SERIF_BOLD):
        cmap = TTFont(font).getBestCmap()
        missing = {ch for ch in vietnamese_page.text if not ch.isspace() and ord(ch) not in cmap}
        assert not missing, f"{font.name} lacks {sorted(missing)}"


def test_vietnamese_is_installed() -> None:
    assert "vie" in available_languages()


def test_clean_vietnamese_page_has_under_2_percent_cer(
    vietnamese_page: RenderedPage, vietnamese_png: bytes
) -> None:
    result = recognise_document(vietnamese_png, OcrOptions())
    (page,) = result.pages
    assert len(vietnamese_page.text) > 1500
    assert cer(vietnamese_page.text, page.text) < 0.02
    assert unicodedata.is_normalized("NFC", page.text)
    assert page.words and all(0 <= w.confidence <= 100 for w in page.words)
    assert page.mean_confidence is not None and page.mean_confidence > 80
    # boxes lie on the page
    assert all(
        w.box.left >= 0
        and w.box.left + w.box.width <= page.width
        and w.box.top >= 0
        and w.box.top + w.box.height <= page.height
        for w in page.words
    )


def test_blank_page_gives_no_words() -> None:
    buffer = io.BytesIO()
    Image.new("L", (1200, 1600), 255).save(buffer, "PNG")
    (page,) = recognise_document(buffer.getvalue(), OcrOptions()).pages
    assert page.words == [] and page.text == "" and page.mean_confidence is None


def test_missing_language_is_a_recognition_error(vietnamese_png: bytes) -> None:
    with pytest.raises(RecognitionError) as caught:
        recognise_document(vietnamese_png, OcrOptions(languages="vie+xyz"))
    assert "xyz" in str(caught.value.detail)
