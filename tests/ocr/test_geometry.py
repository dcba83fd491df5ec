"""Page geometry: the sheet found in a photo and flattened; a skew undone only when it matters."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from ocr import geometry


def _turn_clockwise(image: NDArray[np.uint8], degrees: int) -> NDArray[np.uint8]:
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if degrees == 0 else np.asarray(cv2.rotate(image, codes[degrees]))


def _photo_of(page: NDArray[np.uint8], corners: NDArray[np.float32]) -> NDArray[np.uint8]:
    height, width = page.shape
    source = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(source, corners)
    desk = np.asarray(
        cv2.warpPerspective(
            page, matrix, (1600, 1500), borderMode=cv2.BORDER_CONSTANT, borderValue=70
        )
    )
    return desk


@settings(max_examples=10, deadline=None)
@given(
    jitter=st.lists(st.integers(min_value=-60, max_value=60), min_size=8, max_size=8),
)
def test_a_known_quadrilateral_is_found_within_a_few_pixels(
    small_gray: NDArray[np.uint8], jitter: list[int]
) -> None:
    base = np.array([[300, 150], [1250, 200], [1300, 1350], [250, 1300]], np.float32)
    corners = base + np.array(jitter, np.float32).reshape(4, 2)
    photo = _photo_of(small_gray, corners)
    found = geometry.find_page_quad(photo)
    assert found is not None
    assert np.abs(found - corners).max() < 6


def test_a_scan_filling_the_frame_is_not_warped(small_gray: NDArray[np.uint8]) -> None:
    assert geometry.find_page_quad(small_gray) is None


def test_warp_flattens_the_quad_to_its_size(small_gray: NDArray[np.uint8]) -> None:
    corners = np.array([[300, 150], [1250, 200], [1300, 1350], [250, 1300]], np.float32)
    flat = geometry.warp_quad(_photo_of(small_gray, corners), corners)
    assert abs(flat.shape[1] - 1000) < 30 and abs(flat.shape[0] - 1150) < 30


@given(st.permutations(range(4)))
def test_corners_come_out_in_reading_order_whatever_order_they_go_in(order: list[int]) -> None:
    corners = np.array([[10, 12], [200, 5], [210, 300], [3, 280]], np.float32)
    assert np.array_equal(geometry.order_corners(corners[list(order)]), corners)


def test_a_page_photographed_from_afar_is_found(small_gray: NDArray[np.uint8]) -> None:
    # about an eighth of the frame, tilted: a clerk standing over the desk
    corners = np.array([[650, 500], [1050, 470], [1090, 1000], [640, 1030]], np.float32)
    found = geometry.find_page_quad(_photo_of(small_gray, corners))
    assert found is not None
    assert np.abs(found - corners).max() < 6


def test_a_few_tenths_of_a_degree_are_measured_but_not_undone(
    small_gray: NDArray[np.uint8],
) -> None:
    pose = geometry.Pose(turn=0, skew=0.3)
    assert geometry.applied_skew(pose) == 0.0
    assert np.array_equal(geometry.apply_pose(small_gray, pose), small_gray)
    assert geometry.applied_skew(geometry.Pose(turn=0, skew=-2.0)) == -2.0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.05, 0.6))
def test_component_boxes_are_opencvs_component_boxes(seed: int, density: float) -> None:
    # specks, blobs, rings with specks inside their holes, ink touching the border
    rng = np.random.default_rng(seed)
    binary = rng.random((60, 80)) < density
    binary[20:40, 30:50] = True
    binary[24:36, 34:46] = False
    binary[29:31, 39:41] = True
    _, _, stats, _ = cv2.connectedComponentsWithStats(binary.view(np.uint8), connectivity=8)
    expected = sorted(tuple(int(v) for v in row[:4]) for row in stats[1:])
    assert sorted(tuple(int(v) for v in b) for b in geometry.component_boxes(binary)) == expected


def test_no_ink_has_no_component_boxes() -> None:
    assert geometry.component_boxes(np.zeros((10, 10), bool)).shape == (0, 4)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.05, 0.7))
def test_labelled_is_opencvs_labelling(seed: int, density: float) -> None:
    binary = (np.random.default_rng(seed).random((70, 90)) < density).astype(np.uint8) * 255
    count, labels, stats, centroids = geometry.labelled(binary)
    want = cv2.connectedComponentsWithStats(binary, connectivity=8)
    assert count == want[0]
    assert np.array_equal(labels.astype(np.int32), want[1])
    assert np.array_equal(stats, want[2]) and np.allclose(centroids, want[3])


def test_labelled_falls_back_to_32_bits_when_16_overflow() -> None:
    specks = np.zeros((900, 900), np.uint8)
    specks[::3, ::3] = 255  # 90,000 components: more than 16-bit labels hold
    count, labels, stats, _ = geometry.labelled(specks)
    assert count == 300 * 300 + 1
    assert labels.dtype == np.int32 and stats[1:, 4].max() == 1
