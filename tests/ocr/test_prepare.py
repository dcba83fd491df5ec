"""What `prepare_page` hands Tesseract (ocr/prepare.py)."""

from __future__ import annotations

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
