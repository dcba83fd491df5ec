"""The orientation guess from letters: right on pages that fooled ink profiles, turns told apart."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from ocr import geometry, orientation
from ocr.quality import assess_gray
from synth.corpus import pick
from synth.render import render_page


def _turn_clockwise(image: NDArray[np.uint8], degrees: int) -> NDArray[np.uint8]:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if degrees == 0 else np.asarray(cv2.rotate(image, codes[degrees]))


def _guess(gray: NDArray[np.uint8]) -> orientation.Guess:
    return orientation.guess_pose(gray, assess_gray(gray).x_height)


def _short_lines_in_a_frame() -> NDArray[np.uint8]:
    """Eight short sentences at the top of a page whose edges show as black lines (the outside
    set's "conversation" pages): ink profiles called it turned by 90°."""
    sentences = [s[:30] for s in pick(8, seed=21)]
    page = render_page(sentences, title="Hội thoại", dpi=200, motto=False, font_pt=14)
    gray = np.asarray(page.image.convert("L")).copy()
    gray[:, :8] = 40
    gray[:, -8:] = 40
    return gray


def _ruled_table() -> NDArray[np.uint8]:
    """A landscape page of ruled cells holding a few words each, no common baseline across cells
    (the annex of a real decision): ink profiles called it upside down."""
    rng = np.random.default_rng(3)
    words = " ".join(pick(30, seed=5)).split()
    page = render_page([" ".join(words[:40])], title=None, dpi=200, motto=False)
    gray = np.full((1650, 2340), 255, np.uint8)
    text = np.asarray(page.image.convert("L"))
    line = text[150:260, 240:1500]  # a strip of the rendered paragraph: real letters
    columns = [100, 500, 1300, 1800, 2240]
    rows = [150, 480, 820, 1150, 1500]
    for top in rows[:-1]:
        for left, right in pairwise(columns):
            y = top + int(rng.integers(10, 120))
            piece = line[:, : right - left - 20]
            gray[y : y + piece.shape[0], left + 10 : left + 10 + piece.shape[1]] = piece
    for x in columns:
        gray[rows[0] : rows[-1], x : x + 3] = 0
    for y in rows:
        gray[y : y + 3, columns[0] : columns[-1]] = 0
    return gray


DATA = Path(__file__).resolve().parent.parent / "data" / "outside"


def _real_annex_page() -> NDArray[np.uint8]:
    """A real 200 dpi scan of a decision's annex table (tests/data/outside/CREDITS.md)."""
    return np.asarray(Image.open(DATA / "qd_707_ttg-05.png").convert("L"))


def _outside_receipt() -> NDArray[np.uint8]:
    """A receipt of the outside set nomvn-dev (CC0; tests/data/outside/CREDITS.md)."""
    return np.asarray(Image.open(DATA / "nomvn-receipt_0.jpg").convert("L"))


PAGES = [_short_lines_in_a_frame, _ruled_table, _real_annex_page, _outside_receipt]


@pytest.mark.parametrize("make", PAGES)
def test_upright_pages_that_fooled_ink_profiles_are_left_upright(make: object) -> None:
    gray = make()  # type: ignore[operator]
    guess = _guess(gray)
    assert guess.turn == 0
    assert guess.lines.balance > 0.8 and guess.marks.balance > 0.3


@pytest.mark.parametrize("turn", [90, 180, 270])
@pytest.mark.parametrize("make", PAGES)
def test_the_same_pages_turned_are_guessed_turned(make: object, turn: int) -> None:
    guess = _guess(_turn_clockwise(make(), turn))  # type: ignore[operator]
    assert guess.turn == turn


@settings(max_examples=12, deadline=None)
@given(angle=st.floats(min_value=-20, max_value=20, allow_nan=False))
def test_a_skewed_page_is_measured_within_half_a_degree(
    small_gray: NDArray[np.uint8], angle: float
) -> None:
    tilted = geometry.rotate(small_gray, angle)  # content turned counter-clockwise by `angle`
    guess = _guess(tilted)
    assert guess.turn == 0
    assert abs(guess.skew + angle) < 0.5


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_skewed_turned_page_is_measured(small_gray: NDArray[np.uint8], turn: int) -> None:
    scanned = _turn_clockwise(geometry.rotate(small_gray, 5.0), turn)
    guess = _guess(scanned)
    assert guess.turn == turn
    assert abs(guess.skew + 5.0) < 0.5


def test_rules_and_page_edges_are_not_letters() -> None:
    gray = np.full((800, 600), 255, np.uint8)
    gray[100:103, 50:550] = 0  # a rule
    gray[:, :5] = 0  # a page edge
    letters = orientation.letters_of(gray, 20.0)
    assert len(letters.boxes) == 0 and not letters.mask.any()


def test_mark_votes_flip_with_the_page(small_gray: NDArray[np.uint8]) -> None:
    letters = orientation.letters_of(small_gray, assess_gray(small_gray).x_height)
    upright, upside_down = orientation.mark_votes(letters, 0), orientation.mark_votes(letters, 180)
    assert upright.for_ > 3 * upright.against
    assert (upside_down.for_, upside_down.against) == (upright.against, upright.for_)


def test_a_page_with_too_few_letters_is_not_turned() -> None:
    gray = np.full((800, 600), 255, np.uint8)
    cv2.putText(gray, "ok", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    assert _guess(np.ascontiguousarray(gray[::-1, ::-1])).turn == 0
