"""Checks weigh a decision by the page's own reading: a wrong turn is caught, a right one stands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from models.recognition import Box, Word
from ocr import checks, geometry
from ocr.engine import recognise_words
from ocr.prepare import prepare_page
from synth.hardset import generate

DATA = Path(__file__).resolve().parent.parent / "data" / "outside"


def _words(*pairs: tuple[str, float]) -> list[Word]:
    box = Box(left=0, top=0, width=10, height=10)
    return [Word(text=t, confidence=c, box=box, block=0, line=0) for t, c in pairs]


def test_confident_syllables_and_numbers_are_plausible() -> None:
    reading = checks.plausibility(
        _words(("Cộng", 96), ("hòa", 95), ("xã", 93), ("hội", 97), ("45.000", 90), ("đồng.", 92))
    )
    assert reading.score > 0.9


def test_what_an_upside_down_page_reads_as_is_not() -> None:
    # Tesseract's reading of a turned Vietnamese line: shards, symbols, non-syllables
    reading = checks.plausibility(
        _words(("ưọq", 31), ("'!ÿ", 12), ("uạ1", 25), ("|", 40), ("ɐ", 20), ("qu", 35), ("a", 30))
    )
    assert reading.score < 0.2


def test_doubted_words_count_for_little() -> None:
    sure = checks.plausibility(_words(("quyết", 95), ("định", 95)))
    unsure = checks.plausibility(_words(("quyết", 30), ("định", 30)))
    assert unsure.score < 0.5 * sure.score


def test_a_few_characters_are_not_conclusive() -> None:
    assert not checks.plausibility(_words(("ok", 90))).conclusive


def _read(band: NDArray[np.uint8]) -> list[Word]:
    return recognise_words(Image.fromarray(band), languages="vie", timeout=60, psm=6)


@pytest.fixture(scope="module")
def real_table_page() -> NDArray[np.uint8]:
    """A real 200 dpi scan of an annex table (public domain, see tests/data/outside/CREDITS.md):
    every such page was turned upside down by the old ink-profile guess."""
    return np.asarray(Image.open(DATA / "qd_707_ttg-05.png").convert("L"))


def test_a_wrong_turn_is_caught_on_a_band(real_table_page: NDArray[np.uint8]) -> None:
    turned_wrongly = geometry.rotate_right_angle(real_table_page, 180)
    result = checks.check_turn(turned_wrongly, 180, 22.0, _read)
    assert result.extra == 180  # back to the page as given
    assert result.record.tesseract and "not 180" in result.record.decision
    assert result.record.evidence["band 0°"] > result.record.evidence["band 180°"] + 0.3


def test_a_right_turn_stands_after_one_band(real_table_page: NDArray[np.uint8]) -> None:
    scanned = geometry.rotate_right_angle(real_table_page, 90)  # fed turned
    prepared = geometry.rotate_right_angle(scanned, 270)  # as the guess undid it
    result = checks.check_turn(prepared, 270, 22.0, _read)
    assert result.extra == 0
    assert list(result.record.evidence) == ["band 270°"]  # accepted without trying others


def test_the_band_holds_text_lines(real_table_page: NDArray[np.uint8]) -> None:
    band = checks.text_band(real_table_page, 22.0)
    assert band.shape[0] < real_table_page.shape[0] / 2
    assert (band < 128).mean() > (real_table_page < 128).mean()


def test_a_band_that_reads_on_its_axis_spares_the_other_axis() -> None:
    """A flatbed card upside down: its band, the emblem and code read as junk beside the title,
    scored 0.54, under the 0.6 that settles a turn; the page as given read 0.09, and both
    sideways turns were read too (0.05, 0.02), two band reads (0.4 s) for nothing."""
    image = generate("id_card_flatbed", 0, 11, quarter_turns=2).image()
    prepared = prepare_page(image, read=_read)
    (turn,) = [c for c in prepared.checks if c.name == "turn"]
    assert prepared.pose.turn == 180
    assert list(turn.evidence) == ["band 180°", "band 0°"]
    assert checks.ON_AXIS <= turn.evidence["band 180°"] < checks.ACCEPT


def test_a_page_the_letters_say_too_little_about_is_checked_on_a_band() -> None:
    """A blurred photo of a sideways card: blur left five letter shapes to vote, their "0°"
    stood unchecked, and Tesseract read the card sideways (88 % CER, plain Tesseract 83 %)."""
    image = generate("id_card_blur", 2, 7, quarter_turns=1).image()
    prepared = prepare_page(image, read=_read)
    guess, turn = prepared.checks[0], [c for c in prepared.checks if c.name == "turn"]
    assert guess.evidence["letters along lines"] + guess.evidence["letters across lines"] < 20
    assert turn and turn[0].tesseract
    assert prepared.pose.turn % 180 == 90
