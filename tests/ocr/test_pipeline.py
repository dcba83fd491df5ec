"""Real Tesseract on a real Vietnamese page: the text comes back right and in NFC."""

import dataclasses
import io
import multiprocessing
import unicodedata
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from models.errors import RecognitionError
from ocr.engine import available_languages
from ocr.options import OcrOptions
from ocr.pdf_text import glyphless_font
from ocr.pipeline import recognise_document, warm_up
from synth.corpus import pick
from synth.metrics import cer
from synth.render import SERIF, SERIF_BOLD, RenderedPage, render_page


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


def test_an_upside_down_skewed_sealed_scan_reads_like_a_clean_one(
    vietnamese_page: RenderedPage,
) -> None:
    rgb = np.array(vietnamese_page.image)
    text = rgb[..., 0] < 100
    seal = np.zeros(text.shape, np.uint8)
    cv2.circle(seal, (1700, 1500), 330, 1, thickness=25)
    rgb[(seal > 0) & ~text] = (205, 35, 45)
    scanned = Image.fromarray(rgb).rotate(184, expand=True, fillcolor="white")
    buffer = io.BytesIO()
    scanned.save(buffer, "PNG")
    (page,) = recognise_document(buffer.getvalue(), OcrOptions()).pages
    assert page.pose.turn == 180 and abs(page.pose.skew - (-4)) < 0.5
    assert [c.name for c in page.checks][:2] == ["orientation guess", "turn"]
    assert cer(vietnamese_page.text, page.text) < 0.02
    assert page.hocr is not None and page.pdf is not None
    assert len(page.lines) >= 20 and page.blocks
    assert "\n".join(line.text for line in page.lines).startswith("CỘNG HÒA")


def test_a_turn_hundreds_of_letters_agree_on_is_checked_by_the_pages_reading(
    small_page: RenderedPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upside-down page whose letters vote overwhelmingly for 180°: no band is read before
    the turn (a quarter of a second on an A4 page), and the page's own reading is the check."""
    from ocr import engine, orientation, pipeline, prepare

    bands: list[object] = []
    real = engine.recognise_words

    def counted(*args: object, **kwargs: object) -> object:
        bands.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "recognise_words", counted)
    buffer = io.BytesIO()
    small_page.image.rotate(180).save(buffer, "PNG", dpi=(150, 150))
    (page,) = recognise_document(buffer.getvalue(), OcrOptions()).pages
    guess = page.checks[0]
    assert prepare.overwhelming(
        orientation.Guess(
            turn=180,
            skew=0.0,
            lines=orientation.Evidence(
                int(guess.evidence["letters along lines"]),
                int(guess.evidence["letters across lines"]),
            ),
            marks=orientation.Evidence(
                int(guess.evidence["marks above letters"]),
                int(guess.evidence["marks below letters"]),
            ),
            x_height=10.0,
        )
    )
    assert page.pose.turn == 180 and not bands
    turn = next(c for c in page.checks if c.name == "turn")
    assert turn.tesseract and turn.evidence["page"] >= 0.5
    assert cer(small_page.text, page.text) < 0.03


def test_a_wrong_turn_the_letters_were_sure_of_is_undone_by_the_pages_reading(
    small_page: RenderedPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Make the letters vote overwhelmingly for 180° on an upright page: the turned page reads
    as junk, and the reading sends it round the band checks back to upright."""
    from ocr import orientation

    real = orientation.guess_pose

    def fooled(gray: object, x_height: object, **kwargs: object) -> orientation.Guess:
        guess = real(gray, x_height)  # type: ignore[arg-type]
        return dataclasses.replace(
            guess,
            turn=180,
            lines=orientation.Evidence(900, 3),
            marks=orientation.Evidence(300, 40),
        )

    monkeypatch.setattr(orientation, "guess_pose", fooled)
    buffer = io.BytesIO()
    small_page.image.save(buffer, "PNG", dpi=(150, 150))
    (page,) = recognise_document(buffer.getvalue(), OcrOptions()).pages
    assert page.pose.turn == 0
    assert cer(small_page.text, page.text) < 0.03
    turn = next(c for c in page.checks if c.name == "turn")
    assert any(key.startswith("band") for key in turn.evidence)


def test_pages_fan_out_to_a_process_pool_in_order() -> None:
    pages = [render_page(pick(1, seed=n), title=f"TRANG {n}", dpi=200) for n in (1, 2, 3)]
    buffer = io.BytesIO()
    images = [p.image.crop((0, 0, p.image.width, p.image.height // 3)) for p in pages]
    images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:], dpi=(200, 200))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        result = recognise_document(buffer.getvalue(), OcrOptions(), executor=pool)
    assert [p.number for p in result.pages] == [1, 2, 3]
    for page in result.pages:
        titles = [t for t in ("TRANG 1", "TRANG 2", "TRANG 3") if t in page.text]
        assert titles == [f"TRANG {page.number}"]


def test_a_page_whose_guess_was_wrong_is_caught_by_its_reading(
    small_page: RenderedPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The letters' guess is a hypothesis: make it say "upright" for an upside-down page, and
    the page's implausible reading must send it round the other turns (one band each)."""
    from ocr import orientation

    real = orientation.guess_pose

    def fooled(gray: object, x_height: object, **kwargs: object) -> orientation.Guess:
        guess = real(gray, x_height)  # type: ignore[arg-type]
        return dataclasses.replace(guess, turn=0)

    monkeypatch.setattr(orientation, "guess_pose", fooled)
    buffer = io.BytesIO()
    small_page.image.rotate(180).save(buffer, "PNG", dpi=(150, 150))
    (page,) = recognise_document(buffer.getvalue(), OcrOptions()).pages
    assert page.pose.turn == 180
    assert cer(small_page.text, page.text) < 0.03
    names = [c.name for c in page.checks]
    assert "turn" in names and "reading" in names
    reading = next(c for c in page.checks if c.name == "reading")
    assert reading.evidence["second"] > reading.evidence["first"] + 0.5


def test_a_warmed_worker_has_built_the_pdf_font_its_first_page_needs() -> None:
    # Its first page paid 50 ms for it, a tenth of the pipeline's own work on a page.
    glyphless_font.cache_clear()
    warm_up()
    assert glyphless_font.cache_info().currsize == 1
