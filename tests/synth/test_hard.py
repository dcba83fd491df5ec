"""The hard conditions (issue 17) are reproducible, keep their truth, and are what they say:
A4 scans at their dpi, a card in a corner of a white A4, 12 MP photos, a sharp shadow, turns."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from synth.corpus import pick
from synth.degrade import DegradedPage
from synth.hard import CARD_CONDITIONS, HARD_CONDITIONS, turned, with_glare
from synth.hardset import main as hardset_main
from synth.idcard import CARD_MM, TITLE, TITLE_RED, card_front
from synth.photo import FRAME, _hard_shadow, page_quad
from synth.render import A4_MM, RenderedPage, render_page


@pytest.fixture(scope="module")
def page() -> RenderedPage:
    # 100 dpi keeps the tests quick; the conditions resample to their own resolution.
    return render_page(pick(30, seed=3), title="QUYẾT ĐỊNH", dpi=100)


@pytest.fixture(scope="module")
def card() -> RenderedPage:
    return card_front(2, dpi=300)


@pytest.fixture(scope="module")
def degraded(page: RenderedPage, card: RenderedPage) -> dict[str, DegradedPage]:
    return {
        name: condition(card if name in CARD_CONDITIONS else page, np.random.default_rng(5))
        for name, condition in HARD_CONDITIONS.items()
    }


def a4_at(dpi: int) -> tuple[int, int]:
    return (round(A4_MM[0] * dpi / 25.4), round(A4_MM[1] * dpi / 25.4))


@pytest.mark.parametrize("name", list(HARD_CONDITIONS))
def test_a_hard_condition_is_reproducible_and_keeps_the_truth(
    name: str, page: RenderedPage, card: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    source = card if name in CARD_CONDITIONS else page
    sample = degraded[name]
    assert sample.condition == name
    assert sample.text == source.text and sample.text.strip()
    assert HARD_CONDITIONS[name](source, np.random.default_rng(5)).data == sample.data
    assert HARD_CONDITIONS[name](source, np.random.default_rng(6)).data != sample.data


def test_scans_are_a4_at_their_dpi_and_photos_are_12_megapixel_frames(
    degraded: dict[str, DegradedPage],
) -> None:
    for name in ("security_paper", "photocopy_edges", "id_card_flatbed"):
        sample = degraded[name]
        assert sample.dpi is not None and 200 <= sample.dpi <= 300
        width, height = sample.image().size
        expected = a4_at(sample.dpi)
        assert abs(width - expected[0]) <= 2 and abs(height - expected[1]) <= 2, name
    assert degraded["security_paper"].image().mode == "RGB"
    assert degraded["photocopy_edges"].image().mode == "L"
    for name in ("id_card_photo", "photo_afar_shadow", "id_card_glare", "id_card_blur"):
        assert degraded[name].image().size == FRAME and degraded[name].dpi is None


def test_security_paper_is_patterned_in_colour_all_over(degraded: dict[str, DegradedPage]) -> None:
    rgb = np.asarray(degraded["security_paper"].image()).astype(np.int16)
    chroma = rgb.max(axis=2) - rgb.min(axis=2)
    h, w = chroma.shape
    # Every tenth of the sheet, margins included, carries the pattern's colour.
    for y in range(0, h - h // 10, h // 10):
        for x in range(0, w - w // 10, w // 10):
            assert chroma[y : y + h // 10, x : x + w // 10].mean() > 8


def test_a_photocopy_has_black_bands_along_a_side(degraded: dict[str, DegradedPage]) -> None:
    grey = np.asarray(degraded["photocopy_edges"].image()).astype(np.float32)
    px = degraded["photocopy_edges"].dpi / 25.4  # type: ignore[operator]
    strip = round(2 * px)  # the outermost 2 mm; a band is 3 mm at least
    sides = [grey[:, :strip], grey[:strip, :], grey[:, -strip:], grey[-strip:, :]]
    assert min(float(s.mean()) for s in sides) < 90
    # and the middle of the page is paper, not toner
    h, w = grey.shape
    assert float(np.median(grey[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3])) > 180


def test_the_flatbed_card_lies_in_one_corner_of_a_white_page(
    degraded: dict[str, DegradedPage],
) -> None:
    rgb = np.asarray(degraded["id_card_flatbed"].image()).astype(np.int16)
    grey = rgb.mean(axis=2)
    ys, xs = np.nonzero(cv2.medianBlur(grey.astype(np.uint8), 5) < 225)
    h, w = grey.shape
    px = 300 / 25.4
    card_w, card_h = xs.max() - xs.min(), ys.max() - ys.min()
    # the card, a little turned (its bounding box grows by up to ~2 mm)
    assert CARD_MM[0] * px - 10 <= card_w <= (CARD_MM[0] + 4) * px
    assert CARD_MM[1] * px - 10 <= card_h <= (CARD_MM[1] + 5) * px
    near = 12 * px
    assert min(xs.min(), w - 1 - xs.max()) < near and min(ys.min(), h - 1 - ys.max()) < near
    # the rest of the A4 is white lid
    outside = np.ones_like(grey, bool)
    outside[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] = False
    assert float(np.median(grey[outside])) > 240


def test_the_card_title_is_printed_in_red(card: RenderedPage) -> None:
    assert TITLE in card.text.splitlines()
    rgb = np.asarray(card.image).astype(np.int16)
    red = (np.abs(rgb - np.array(TITLE_RED)).sum(axis=2) < 60).sum()
    assert red > 2000  # the title's strokes; nothing else on the card is that red but the emblem
    assert card.image.size == (round(CARD_MM[0] * 300 / 25.4), round(CARD_MM[1] * 300 / 25.4))


def test_the_card_code_has_the_same_ink_at_every_resolution() -> None:
    """Area-averaged as a scan is: drawn as rectangles, each dark module took a pixel more each
    way, 57 % ink at 600 dpi and 76 % at 150 dpi, where no decoder read a code."""

    def ink(dpi: int) -> float:
        grey = np.asarray(card_front(2, dpi=dpi).image.convert("L")).astype(np.float32)
        px = dpi / 25.4
        left, top, side = round((CARD_MM[0] - 15.5) * px), round(3.0 * px), round(13.0 * px)
        return float((255 - grey[top : top + side, left : left + side]).mean() / 240)

    assert abs(ink(150) - ink(600)) < 0.02 and abs(ink(100) - ink(600)) < 0.02


def test_a_glare_washes_out_print_in_the_card_top_right_only(card: RenderedPage) -> None:
    before = np.asarray(card.image.convert("L")).astype(np.int16)
    h, w = before.shape
    for seed in (4, 5):
        after = np.asarray(with_glare(card, np.random.default_rng(seed)).image.convert("L"))
        top_right = (slice(0, h // 2), slice(w // 2, None))
        ink_left = (after[top_right] < 100).sum() / (before[top_right] < 100).sum()
        assert ink_left < 0.97  # the code and the title lose ink (5–21 % for seeds 0–9)
        assert np.array_equal(after[h // 2 :, : w // 2], before[h // 2 :, : w // 2])


def test_a_blurred_card_photo_is_softer_than_a_plain_one(card: RenderedPage) -> None:
    def sharpness(name: str) -> float:
        sample = HARD_CONDITIONS[name](card, np.random.default_rng(5))
        quad = sample.geometry.page_quad
        assert quad is not None
        grey = np.asarray(sample.image().convert("L"))
        xs, ys = [round(p[0]) for p in quad], [round(p[1]) for p in quad]
        inside = grey[min(ys) : max(ys), min(xs) : max(xs)].astype(np.float32)
        # smoothed a little first, so the sensor's noise (the same in both) does not count
        return float(cv2.Laplacian(cv2.GaussianBlur(inside, (0, 0), 1.0), cv2.CV_32F).var())

    assert sharpness("id_card_blur") < 0.5 * sharpness("id_card_photo")


def test_the_hard_shadow_is_sharp_deep_and_covers_part_of_the_page() -> None:
    for seed in range(4):
        rng = np.random.default_rng(seed)
        size = (1400, 1980)
        quad = page_quad(size, 1400, 6.0, rng)
        light = _hard_shadow(quad, rng)
        inside = np.zeros(light.shape, np.uint8)
        cv2.fillPoly(inside, [np.round(np.array(quad)).astype(np.int32)], 1)
        on_page = light[inside > 0]
        shaded = float((on_page < 0.8).mean())
        assert 0.1 <= shaded <= 0.8, shaded
        assert on_page.min() < 0.62  # light inside falls to 35–60 %
        # sharp: the penumbra (between 10 % and 90 % of the step) is a thin seam
        low = float(on_page.min())
        seam = (on_page > low + 0.1 * (1 - low)) & (on_page < 1 - 0.1 * (1 - low))
        assert float(seam.mean()) < 0.02


def test_a_turned_file_is_the_upright_file_turned(page: RenderedPage) -> None:
    upright = HARD_CONDITIONS["photocopy_edges"](page, np.random.default_rng(9))
    for quarter_turns in (1, 2, 3):
        sample = turned(HARD_CONDITIONS["photocopy_edges"], quarter_turns)(
            page, np.random.default_rng(9)
        )
        assert sample.condition == f"photocopy_edges_r{90 * quarter_turns}"
        assert sample.geometry.rotation == 90 * quarter_turns
        assert sample.text == upright.text
        back = np.rot90(np.asarray(sample.image()), k=quarter_turns)
        assert np.array_equal(back, np.asarray(upright.image()))


def test_a_turned_photo_moves_its_page_quad_with_it(card: RenderedPage) -> None:
    upright = HARD_CONDITIONS["id_card_photo"](card, np.random.default_rng(4))
    sample = turned(HARD_CONDITIONS["id_card_photo"], 1)(card, np.random.default_rng(4))
    assert sample.image().size == (FRAME[1], FRAME[0])
    assert upright.geometry.page_quad and sample.geometry.page_quad
    (x, y), (tx, ty) = upright.geometry.page_quad[0], sample.geometry.page_quad[0]
    assert (tx, ty) == pytest.approx((FRAME[1] - 1 - y, x))


def test_the_hardset_command_writes_pages_and_transcripts(tmp_path: object) -> None:
    out = tmp_path / "set"  # type: ignore[operator]
    args = ["--out", str(out), "--pages", "1", "--seed", "3", "--conditions", "id_card_flatbed"]
    assert hardset_main([*args, "--turns", "0", "180"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "id_card_flatbed_0.gt.txt",
        "id_card_flatbed_0.jpg",
        "id_card_flatbed_r180_0.gt.txt",
        "id_card_flatbed_r180_0.jpg",
    ]
    truth = (out / "id_card_flatbed_0.gt.txt").read_text(encoding="utf-8")
    assert TITLE in truth
    first = (out / "id_card_flatbed_0.jpg").read_bytes()
    again = tmp_path / "again"  # type: ignore[operator]
    hardset_main(["--out", str(again), *args[2:]])
    assert (again / "id_card_flatbed_0.jpg").read_bytes() == first
    with Image.open(io.BytesIO(first)) as image:
        assert image.size == a4_at(300)
