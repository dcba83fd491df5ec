"""The engine: one Tesseract run gives words, hOCR and a text-only PDF; a band read gives words."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from models.errors import RecognitionTimeout
from ocr import tess_api
from ocr.engine import load, recognise, recognise_words


def test_one_pass_gives_the_words_with_boxes(small_gray: NDArray[np.uint8]) -> None:
    output = recognise(Image.fromarray(small_gray), languages="vie", timeout=60)
    assert len(output.words) > 50
    assert all(w.box.width > 0 and w.box.height > 0 for w in output.words)


def test_a_band_is_read_for_its_words_alone(small_gray: NDArray[np.uint8]) -> None:
    band = Image.fromarray(np.ascontiguousarray(small_gray[150:400]))
    words = recognise_words(band, languages="vie", timeout=60)
    assert words and all(0 <= w.confidence <= 100 for w in words)
    assert all(w.box.top + w.box.height <= band.height for w in words)


@pytest.mark.parametrize("psm", [3, 6])
def test_tesseract_in_this_process_reads_what_the_tesseract_process_reads(
    small_gray: NDArray[np.uint8], psm: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same engine either way (tesserocr built against the system's libtesseract): the
    same words, boxes and confidences, page (psm 3) and band (psm 6)."""
    assert tess_api.available()  # ./dev builds it: a test run without it is not this one
    page = Image.fromarray(small_gray)
    here = recognise_words(page, languages="vie", timeout=60, psm=psm)
    monkeypatch.setenv("SOHOA_TESSERACT_PROCESS", "1")
    assert not tess_api.available()
    there = recognise_words(page, languages="vie", timeout=60, psm=psm)
    assert here == there and len(here) > 20


def test_tesseract_s_line_images_are_stored_not_deflated(small_gray: NDArray[np.uint8]) -> None:
    """`ocr/native/pngstore.c` took the place of libpng's compression level in this process: each
    text line Tesseract keeps as a PNG was stored (the test above shows the reading unchanged)."""
    before = tess_api.pngs_stored()
    assert before is not None  # ./dev builds it: a run without it is not this one
    words = recognise_words(Image.fromarray(small_gray), languages="vie", timeout=60)
    lines = {w.line for w in words}
    assert (tess_api.pngs_stored() or 0) - before >= len(lines) > 5


def test_the_model_is_loaded_once_per_process_and_language(small_gray: NDArray[np.uint8]) -> None:
    band = Image.fromarray(np.ascontiguousarray(small_gray[150:400]))
    recognise_words(band, languages="vie", timeout=60)
    first = tess_api._api("vie")
    recognise(band, languages="vie", timeout=60)
    assert tess_api._api("vie") is first


def test_a_page_past_its_time_is_a_recognition_timeout(small_gray: NDArray[np.uint8]) -> None:
    big = Image.fromarray(np.tile(small_gray, (3, 3)))
    with pytest.raises(RecognitionTimeout):
        recognise(big, languages="vie", timeout=0.001)


@pytest.mark.skipif(not tess_api.available(), reason="tesserocr not installed")
def test_load_gives_a_thread_its_model_before_its_first_page() -> None:
    seen: list[tuple[bool, bool]] = []

    def fresh_thread() -> None:  # the models are per thread: this one has none yet
        before = tess_api.loaded("vie")
        load("vie")
        seen.append((before, tess_api.loaded("vie")))

    thread = threading.Thread(target=fresh_thread)
    thread.start()
    thread.join()
    assert seen == [(False, True)]
