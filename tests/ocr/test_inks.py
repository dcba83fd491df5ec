"""Seal and signature ink is faded, coloured print is kept: the card's red title is read."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.inks import drop_mark_ink, printed_lines
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from synth.corpus import pick
from synth.degrade import seal_signature
from synth.hard import id_card_flatbed, turned
from synth.idcard import TITLE, card_front
from synth.marks import SEAL_RED, seal_mask, stamp
from synth.render import SANS_BOLD, render_page

DPI = 150
PX = DPI / 25.4


def a4_with_red_print_and_a_seal() -> tuple[
    np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]
]:
    """White A4 at 150 dpi: a red printed line near the top, a red seal lower down; their boxes."""
    page = Image.new("RGB", (round(210 * PX), round(297 * PX)), "white")
    face = ImageFont.truetype(str(SANS_BOLD), round(6 * PX))
    at = (round(40 * PX), round(30 * PX))
    ImageDraw.Draw(page).text(at, "KHẨN - CĂN CƯỚC", font=face, fill=SEAL_RED)
    left, top, right, bottom = ImageDraw.Draw(page).textbbox(at, "KHẨN - CĂN CƯỚC", font=face)
    rgb = np.array(page)
    seal = stamp(
        rgb, seal_mask(DPI, np.random.default_rng(1)), SEAL_RED, (round(90 * PX), round(150 * PX))
    )
    return rgb, (left, top, right - left, bottom - top), seal


def test_red_print_stays_dark_and_the_seal_fades() -> None:
    rgb, (x, y, w, h), (sx, sy, sw, sh) = a4_with_red_print_and_a_seal()
    gray = drop_mark_ink(rgb)
    printed = rgb[y : y + h, x : x + w, 1] < 128  # the red letters (green channel low)
    assert np.median(gray[y : y + h, x : x + w][printed]) < 90
    sealed = rgb[sy : sy + sh, sx : sx + sw, 1] < 128
    assert np.median(gray[sy : sy + sh, sx : sx + sw][sealed]) > 200


def test_no_line_of_print_is_found_in_a_seal_or_a_signature() -> None:
    page = render_page(pick(30, seed=4), title="QUYẾT ĐỊNH", dpi=100)
    for seed in range(3):
        sample = seal_signature(page, np.random.default_rng(seed))
        rgb = np.asarray(sample.image().convert("RGB"))
        for x, y, w, h in printed_lines(rgb):
            for mx, my, mw, mh in sample.geometry.marks.values():
                overlap = max(0, min(x + w, mx + mw) - max(x, mx)) * max(
                    0, min(y + h, my + mh) - max(y, my)
                )
                assert overlap < 0.1 * w * h


def test_the_seal_over_black_text_is_still_removed() -> None:
    page = render_page(pick(30, seed=4), title="QUYẾT ĐỊNH", dpi=100)
    sample = seal_signature(page, np.random.default_rng(2))
    rgb = np.asarray(sample.image().convert("RGB"))
    gray = drop_mark_ink(rgb)
    clean = np.asarray(page.image.convert("L").resize(sample.image().size))
    for name in ("seal", "signature"):
        x, y, w, h = sample.geometry.marks[name]
        inked = (
            rgb[y : y + h, x : x + w].max(axis=2).astype(int)
            - rgb[y : y + h, x : x + w].min(axis=2)
        ) > 80
        paper = clean[y : y + h, x : x + w] > 200
        assert np.median(gray[y : y + h, x : x + w][inked & paper]) > 200, name


@pytest.mark.parametrize("quarter_turns", [0, 1])
def test_the_red_title_of_a_card_scanned_on_a_flatbed_is_read(quarter_turns: int) -> None:
    """Turned too: print is told from a seal on the upright page (a sideways title's letters
    run down the page, and were faded as a mark's)."""
    condition = turned(id_card_flatbed, quarter_turns) if quarter_turns else id_card_flatbed
    sample = condition(card_front(3, dpi=300), np.random.default_rng(2))
    text = recognise_document(sample.data, OcrOptions()).text
    # "CƯỚC CÔNG" is nowhere else on the card: the red title was read, not erased
    assert " ".join(TITLE.split()[1:3]) in text
