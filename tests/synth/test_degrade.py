"""The degraded pages are reproducible, keep their ground truth, and record their geometry right."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from synth.corpus import pick
from synth.degrade import CONDITIONS, DegradedPage, degrade
from synth.photo import homography
from synth.render import RenderedPage, render_page


@pytest.fixture(scope="module")
def page() -> RenderedPage:
    # 100 dpi keeps the tests quick; the conditions resample to their own resolution.
    return render_page(pick(30, seed=3), title="QUYẾT ĐỊNH", dpi=100)


@pytest.fixture(scope="module")
def degraded(page: RenderedPage) -> dict[str, DegradedPage]:
    return {name: degrade(page, name, seed=5) for name in CONDITIONS}


def grey(sample: DegradedPage) -> np.ndarray:
    return np.asarray(sample.image().convert("L"), dtype=np.float32)


def clean_at(page: RenderedPage, size: tuple[int, int]) -> np.ndarray:
    """The undegraded page resized to `size` (width, height), as float grey."""
    image = np.asarray(page.image.convert("L"), dtype=np.float32)
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.float32)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of the two images' detail (shading and shadows taken out)."""
    scale = min(1.0, 600 / a.shape[1])  # ~600 px wide still shows every text line
    a, b = (cv2.resize(x, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) for x in (a, b))
    a, b = (x - cv2.GaussianBlur(x, (0, 0), 8) for x in (a, b))
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


@pytest.mark.parametrize("name", list(CONDITIONS))
def test_a_condition_is_reproducible_and_keeps_the_ground_truth(
    name: str, page: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    sample = degraded[name]
    assert sample.condition == name
    assert sample.text == page.text
    assert degrade(page, name, seed=5).data == sample.data
    with Image.open(io.BytesIO(sample.data)) as image:
        assert image.format == {"png": "PNG", "jpeg": "JPEG"}[sample.format]
        if sample.dpi is not None:
            assert round(image.info["dpi"][0]) == sample.dpi


@pytest.mark.parametrize("name", ["skewed_scan", "dpi_150", "fax_100", "seal_signature"])
def test_another_seed_gives_another_page(
    name: str, page: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    # The cheap conditions stand for all: they draw from the Generator the same way.
    assert degrade(page, name, seed=6).data != degraded[name].data


def text_angle(image: np.ndarray) -> float:
    """The angle of the text block by minAreaRect, counter-clockwise positive, in degrees."""
    ys, xs = np.nonzero(image < 128)
    angle = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))[2]
    while angle <= -45:
        angle += 90
    while angle > 45:
        angle -= 90
    return -angle  # image rows grow downwards: OpenCV's angle is clockwise as seen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_recorded_skew_is_the_angle_of_the_text(page: RenderedPage, seed: int) -> None:
    sample = degrade(page, "skewed_scan", seed=seed)
    assert 1.5 <= abs(sample.geometry.skew_degrees) <= 4
    assert text_angle(grey(sample)) == pytest.approx(sample.geometry.skew_degrees, abs=1.0)


def test_the_text_angle_measure_sees_no_skew_on_a_straight_page(
    degraded: dict[str, DegradedPage],
) -> None:
    assert abs(text_angle(grey(degraded["clean_300"]))) < 0.3


@pytest.mark.parametrize("name", ["rotated_90", "rotated_180", "rotated_270"])
def test_turning_back_by_the_recorded_rotation_gives_the_page(
    name: str, page: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    sample = degraded[name]
    assert sample.geometry.rotation == int(name.split("_")[1])
    # np.rot90 with positive k turns counter-clockwise: the way back from a clockwise turn.
    upright = np.rot90(grey(sample), k=sample.geometry.rotation // 90)
    wrong = np.rot90(upright, k=2)
    clean = clean_at(page, (upright.shape[1], upright.shape[0]))
    assert correlation(upright, clean) > 0.9
    assert correlation(wrong, clean) < 0.5


@pytest.mark.parametrize(
    ("name", "width"), [("phone_photo", (2200, 2600)), ("photo_afar", (1300, 1500))]
)
def test_the_recorded_quad_is_where_the_page_is_in_the_photo(
    name: str, width: tuple[int, int], page: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    sample = degraded[name]
    quad, size = sample.geometry.page_quad, sample.geometry.page_size
    assert quad is not None and size is not None
    assert size[1] / size[0] == pytest.approx(297 / 210, rel=0.01)
    bottom_edge = np.hypot(quad[2][0] - quad[3][0], quad[2][1] - quad[3][1])
    assert width[0] <= bottom_edge <= width[1]
    photo, clean = grey(sample), clean_at(page, size)

    def unwarp(corners: np.ndarray) -> np.ndarray:
        matrix = homography(size, tuple(map(tuple, corners)))  # type: ignore[arg-type]
        flat = cv2.warpPerspective(photo, np.linalg.inv(matrix), size)
        return np.asarray(flat, dtype=np.float32)

    right = correlation(unwarp(np.array(quad)), clean)
    # The same quad moved by half a line of text must fit clearly worse.
    off = correlation(unwarp(np.array(quad) + np.array([0, 0.01 * size[0]])), clean)
    assert right > 0.8, (right, off)
    assert right - off > 0.15, (right, off)


def test_seal_and_signature_are_in_their_inks_and_cross_body_text(
    page: RenderedPage, degraded: dict[str, DegradedPage]
) -> None:
    sample = degraded["seal_signature"]
    rgb = np.asarray(sample.image().convert("RGB"), dtype=np.int16)
    clean = clean_at(page, (rgb.shape[1], rgb.shape[0]))
    red = (rgb[:, :, 0] - rgb[:, :, 1] > 60) & (rgb[:, :, 0] - rgb[:, :, 2] > 50)
    blue = (rgb[:, :, 2] - rgb[:, :, 0] > 50) & (rgb[:, :, 2] - rgb[:, :, 1] > 30)
    for mark, ink in (("seal", red), ("signature", blue)):
        left, top, w, h = sample.geometry.marks[mark]
        inside = (slice(top, top + h), slice(left, left + w))
        assert ink[inside].mean() > 0.03, mark
        assert (clean[inside] < 128).mean() > 0.03, f"{mark} crosses no text"
        outside = ink.copy()
        outside[inside] = False
        assert outside.mean() < 0.001, f"{mark} ink outside its recorded box"


def test_the_fax_copy_is_one_bit_at_100_dpi(degraded: dict[str, DegradedPage]) -> None:
    image = degraded["fax_100"].image()
    assert image.mode == "1"
    assert image.width == round(210 / 25.4 * 100)
