"""The engine: one Tesseract run gives words, hOCR and a text-only PDF; a band read gives words."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ocr.engine import recognise, recognise_words


def test_one_pass_gives_words_hocr_and_a_text_layer(small_gray: NDArray[np.uint8]) -> None:
    output = recognise(Image.fromarray(small_gray), languages="vie", timeout=60)
    assert len(output.words) > 50
    assert "ocrx_word" in output.hocr
    assert output.text_pdf.startswith(b"%PDF")


def test_a_band_is_read_for_its_words_alone(small_gray: NDArray[np.uint8]) -> None:
    band = Image.fromarray(np.ascontiguousarray(small_gray[150:400]))
    words = recognise_words(band, languages="vie", timeout=60)
    assert words and all(0 <= w.confidence <= 100 for w in words)
    assert all(w.box.top + w.box.height <= band.height for w in words)
