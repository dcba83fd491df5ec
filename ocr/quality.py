"""The quality verdict: is this scan good enough to read, told in well under 300 ms per page.

Runs at intake while the citizen waits, so it measures a half-size copy only: ink coverage
(blank page), contrast (faded copy), x-height (effective resolution) and edge sharpness (blur).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.recognition import QualityCode, QualityIssue, QualityVerdict
from ocr.geometry import shrink, u8
from ocr.photometry import x_height

# Limits, each as a property of the page rather than of the pixel grid where possible:
BLANK_INK = 0.0015  # share of the page that is ink: a few specks or a stamp edge, no text
LOW_CONTRAST = 60.0  # paper minus ink, 0..255: a faint photocopy Tesseract starts to lose
LOW_X_HEIGHT = 12.0  # pixels: below, marks blur into letters (13 pt text under ~110 dpi)
BLURRY = 0.07  # blur radius / x-height: strokes and diacritics melt together beyond

_WORK_SIDE = 1500


def as_gray_array(image: Image.Image) -> NDArray[np.uint8]:
    return np.asarray(image.convert("L"), dtype=np.uint8)


def assess(image: Image.Image) -> QualityVerdict:
    """The verdict on one page image as decoded (colour or grey, any size)."""
    return assess_gray(as_gray_array(image))


def assess_gray(gray: NDArray[np.uint8]) -> QualityVerdict:
    small, scale = shrink(gray, _WORK_SIDE)
    histogram = np.cumsum(cv2.calcHist([small], [0], None, [256], [0, 256]).ravel())
    paper = float(np.searchsorted(histogram, 0.9 * histogram[-1]))
    # Ink against its own neighbourhood, so shading in a photo does not count as ink.
    local = cv2.blur(small, (31, 31))
    # small < local - 25, in OpenCV's saturating arithmetic (no int16 copies of the page)
    ink = cv2.subtract(local, small) > 25
    ink_fraction = cv2.countNonZero(u8(ink.view(np.uint8))) / ink.size
    if ink_fraction < BLANK_INK:
        return QualityVerdict(
            issues=[QualityIssue.of(QualityCode.BLANK)],
            blur=0.0,
            contrast=0.0,
            x_height=None,
            ink_fraction=ink_fraction,
        )
    ink_pixels = small[ink]
    k = int(ink_pixels.size * 0.1)
    ink_level = float(np.partition(ink_pixels, k)[k])
    contrast = max(0.0, paper - ink_level)
    letters = x_height(ink)
    blur = _blur(small, letters)
    issues = []
    if contrast < LOW_CONTRAST:
        issues.append(QualityIssue.of(QualityCode.LOW_CONTRAST))
    page_x_height = letters / scale if letters is not None else None
    if page_x_height is not None and page_x_height < LOW_X_HEIGHT:
        issues.append(QualityIssue.of(QualityCode.LOW_RESOLUTION))
    if blur > BLURRY:
        issues.append(QualityIssue.of(QualityCode.BLURRY))
    return QualityVerdict(
        issues=issues,
        blur=round(blur, 4),
        contrast=round(contrast, 1),
        x_height=round(page_x_height, 1) if page_x_height is not None else None,
        ink_fraction=round(ink_fraction, 5),
    )


def _blur(small: NDArray[np.uint8], letters: float | None) -> float:
    """Blur radius relative to the x-height, by blurring again and seeing how much edges soften.

    A sharp edge loses most of its steepness under a further Gaussian of radius b, an already
    blurred one (radius s) little: the ratio r of steepest slopes is s / √(s² + b²), so
    s = b·r / √(1 − r²), whatever the contrast (no-reference "re-blur" measure).
    """
    if letters is None:
        return 0.0
    reblur = 2.0
    before = _steepest(small)
    after = _steepest(u8(cv2.GaussianBlur(small, (0, 0), reblur)))
    if before <= 0:
        return 1.0
    ratio = min(after / before, 0.999)
    radius = reblur * ratio / np.sqrt(1 - ratio**2)
    return float(radius / letters)


def _steepest(image: NDArray[np.uint8]) -> float:
    """The 99.5th percentile of the gradient magnitude, from a histogram (no sort): one bin per
    whole unit, each magnitude truncated.

    Sobel's gradients of 8-bit grey are whole numbers within ±1020: computed in 16 bits they are
    the same numbers as in floating point, in a twentieth of the time (17 ms an A4 page at
    200 dpi for the pair, in float). OpenCV's histogram of the 16-bit magnitudes, not numpy's
    bincount.
    """
    gx = cv2.Sobel(image, cv2.CV_16S, 1, 0, ksize=3).astype(np.float32)
    gy = cv2.Sobel(image, cv2.CV_16S, 0, 1, ksize=3).astype(np.float32)
    magnitude = cv2.magnitude(gx, gy).astype(np.uint16)
    counts = cv2.calcHist([magnitude], [0], None, [_GRADIENT_BINS], [0, _GRADIENT_BINS])
    return float(np.searchsorted(np.cumsum(counts.ravel()), 0.995 * image.size))


_GRADIENT_BINS = 1448
"""Above the steepest 3x3 Sobel gradient of 8-bit grey: 4·255·√2 ≈ 1442."""
