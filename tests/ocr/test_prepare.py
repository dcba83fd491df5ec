"""What `prepare_page` hands Tesseract (ocr/prepare.py)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ocr.prepare import prepare_page


def test_a_grey_scan_saved_as_rgb_is_prepared_as_the_grey_page(
    small_gray: NDArray[np.uint8],
) -> None:
    # every page of real-scans-nogt is such a file: it was turned, deskewed and put in the PDF
    # as three equal channels, at three times the work
    as_rgb = prepare_page(Image.fromarray(np.dstack([small_gray] * 3)))
    as_grey = prepare_page(Image.fromarray(small_gray))
    assert np.array_equal(np.asarray(as_rgb.image), np.asarray(as_grey.image))
    assert as_rgb.colour.mode == "L"


def test_a_colour_page_without_coloured_ink_is_turned_in_grey_only(
    small_gray: NDArray[np.uint8],
) -> None:
    # yellowed paper: colour, but no ink a seal or signature could be
    tinted = np.dstack([small_gray, small_gray, (small_gray * 0.92).astype(np.uint8)])
    rotated = np.ascontiguousarray(np.rot90(tinted, -1))  # a page fed sideways: it is turned
    prepared = prepare_page(Image.fromarray(rotated))
    assert prepared.pose.turn != 0
    assert prepared.colour.mode == "L"
    assert prepared.colour.size == prepared.image.size


def _tilted(page: NDArray[np.uint8], degrees: float) -> NDArray[np.uint8]:
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return np.asarray(cv2.warpAffine(page, matrix, (w, h), borderValue=255), np.uint8)


def test_a_1_bit_page_a_little_skewed_is_read_as_it_lies(small_gray: NDArray[np.uint8]) -> None:
    # Ten real 1-bit annex pages (qd_707_ttg, 0.5-0.65°) lost words standing on table rules
    # when straightened: rotating 1-bit print breaks its strokes, and Tesseract reads a page
    # under a degree off as it lies. A grey page that far off is still straightened.
    tilted = _tilted(small_gray, 0.7)
    bilevel = np.where(tilted < 128, 0, 255).astype(np.uint8)
    as_1_bit = prepare_page(Image.fromarray(bilevel))
    assert as_1_bit.pose.skew == 0.0
    assert "skew 0.7" in as_1_bit.checks[0].decision or "skew -0.7" in as_1_bit.checks[0].decision
    assert np.array_equal(np.asarray(as_1_bit.image), bilevel)
    assert abs(prepare_page(Image.fromarray(tilted)).pose.skew) >= 0.5
