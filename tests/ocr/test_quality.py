"""The quality verdict names what a clerk can fix: blank, blurred, faded, too coarse a scan."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.recognition import QualityCode
from ocr.quality import assess, assess_gray


def _codes(gray: NDArray[np.uint8]) -> set[QualityCode]:
    return {issue.code for issue in assess_gray(gray).issues}


def _at_300(small_gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    return np.asarray(cv2.resize(small_gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


def test_a_clean_scan_has_no_issue(small_gray: NDArray[np.uint8]) -> None:
    verdict = assess_gray(_at_300(small_gray))
    assert verdict.issues == []
    assert verdict.x_height is not None and 22 <= verdict.x_height <= 36


def test_blank_pages_are_marked_even_with_sensor_noise() -> None:
    rng = np.random.default_rng(1)
    noisy = np.clip(rng.normal(235, 6, (1754, 1240)), 0, 255).astype(np.uint8)
    verdict = assess(Image.fromarray(noisy))
    assert verdict.blank and [i.code for i in verdict.issues] == [QualityCode.BLANK]
    assert verdict.issues[0].message == "Trang trắng, không có chữ để nhận dạng"


def test_a_blurred_scan_is_told_to_rescan(small_gray: NDArray[np.uint8]) -> None:
    page = _at_300(small_gray)
    assert QualityCode.BLURRY not in _codes(cv2.GaussianBlur(page, (0, 0), 1.5))
    blurred = _codes(np.asarray(cv2.GaussianBlur(page, (0, 0), 6)))
    assert QualityCode.BLURRY in blurred


def test_a_faint_copy_is_low_contrast(small_gray: NDArray[np.uint8]) -> None:
    faint = (255 - (255 - small_gray.astype(np.float32)) * 0.18).astype(np.uint8)
    assert QualityCode.LOW_CONTRAST in _codes(faint)
    assert QualityCode.LOW_CONTRAST not in _codes(small_gray)


def test_a_coarse_scan_is_low_resolution(small_gray: NDArray[np.uint8]) -> None:
    coarse = np.asarray(cv2.resize(small_gray, None, fx=0.6, fy=0.6, interpolation=cv2.INTER_AREA))
    assert QualityCode.LOW_RESOLUTION in _codes(coarse)  # ~90 dpi
    assert QualityCode.LOW_RESOLUTION not in _codes(small_gray)  # 150 dpi reads fine
