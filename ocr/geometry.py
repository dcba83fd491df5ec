"""Page geometry: find the sheet in a photo and flatten it, turn the page upright, deskew it.

Which way up and how skewed a page is comes from `ocr.orientation` (its letters); this module
holds the geometry itself, OpenCV on the page or a small copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr import page_edges

Image = NDArray[np.uint8]


def u8(array: object) -> NDArray[np.uint8]:
    """OpenCV's stubs type every result loosely; its uint8 results are uint8 (no copy here)."""
    return np.asarray(array, dtype=np.uint8)


def labelled(
    binary: NDArray[np.uint8],
) -> tuple[int, NDArray[np.integer[Any]], NDArray[np.int32], NDArray[np.float64]]:
    """`cv2.connectedComponentsWithStats(binary, connectivity=8)`, in 16-bit labels where they
    fit: the same count, labels, statistics and centroids (compared on 67 pages' ink), in well
    under half the time (its 32-bit path took 34 ms of CPU on a 200 dpi A4 page, 16 bits 9).
    OpenCV refuses 16 bits when its provisional labels overflow (a page of security print):
    then 32 bits."""
    try:
        count, labels, stats, centroids = cv2.connectedComponentsWithStats(
            binary, connectivity=8, ltype=cv2.CV_16U
        )
    except cv2.error:
        count, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    found: NDArray[np.integer[Any]] = np.asarray(labels)
    return int(count), found, np.asarray(stats, np.int32), np.asarray(centroids, np.float64)


def component_boxes(binary: NDArray[np.bool_] | NDArray[np.uint8]) -> NDArray[np.int32]:
    """The bounding box (x, y, w, h) of every 8-connected component of the non-zero pixels, in
    no set order: the outer contours' boxes (with `RETR_CCOMP` a component inside another's
    hole has an outer contour too). The same boxes as `cv2.connectedComponentsWithStats`, whose
    statistics pass cost 7 ms on a 1500-px page where this takes 1 (tests/ocr/test_geometry.py
    compares them)."""
    image = u8(binary.view(np.uint8))  # a bool page's 0 and 1, without a copy
    contours, hierarchy = cv2.findContours(image, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros((0, 4), np.int32)
    outer = hierarchy[0][:, 3] < 0
    return np.array(
        [cv2.boundingRect(c) for c, keep in zip(contours, outer, strict=True) if keep], np.int32
    ).reshape(-1, 4)


Quad = NDArray[np.float32]
"""Four corners, float32 (4, 2): top-left, top-right, bottom-right, bottom-left."""

MIN_SKEW = 0.5
"""Degrees under which a page is not deskewed."""
BILEVEL_MIN_SKEW = 1.0
"""Degrees under which a 1-bit page (fax, black-and-white scan) is not deskewed: rotating 1-bit
print breaks its strokes, and words standing on a table's rules came apart. On the ten real
1-bit annex pages of real-scans-nogt skewed 0.5-0.65°, read as they lie, sohoa's reading misses
124 of plain Tesseract's confident words against 153 straightened (no page misses more), with
the same tables; Tesseract then reads the pixels plain Tesseract reads. No 1-bit page of our
sets lies between 0.65° and 1°, nor above (the generated skewed scans are grey): at 1° a
line of text across an A4 page drifts by most of a line's height, and further off the page is
still straightened."""


def shrink(image: NDArray[np.uint8], longest: int) -> tuple[NDArray[np.uint8], float]:
    """An area-averaged copy at most `longest` pixels on its long side, and its scale (1/k).

    By a whole factor k of 2, 3, 4 or a power of two: OpenCV's area resampling then takes its
    fast path (~6 ms on 12 MP instead of ~25 ms for k = 5 and ~50 ms for a fraction), and
    measures made on the copy map back by k.
    """
    needed = -(-max(image.shape[:2]) // longest)  # ceiling division
    if needed <= 1:
        return image, 1.0
    factor = needed if needed <= 4 else 1 << (needed - 1).bit_length()
    # Not cut to a multiple of k as `reduce` is: background maps made on this copy are scaled
    # back over the whole page, and the few rows cut would shift them (measured: a page of the
    # outside set read one word differently).
    height, width = image.shape[:2]
    size = (width // factor, height // factor)
    return u8(cv2.resize(image, size, interpolation=cv2.INTER_AREA)), 1.0 / factor


def reduce(image: NDArray[np.uint8], shrink: float) -> tuple[NDArray[np.uint8], float]:
    """An area-averaged copy about `shrink` times the size, never coarser, and its true scale.

    By the whole factor k = floor(1 / shrink) (a power of two above 4), for OpenCV's fast path
    as in `shrink`: an A4 page at 300 dpi asked at 2.5 px/mm is cut by 4 (2.95 px/mm) in 14 ms
    where the exact fraction cost 41 ms, and detectors measure in millimetres of `px * scale`.
    """
    factor = int(1.0 / shrink) if shrink > 0 else 1
    if factor <= 1:
        return image, 1.0
    if factor > 4:
        factor = 1 << (factor.bit_length() - 1)
    return _by_whole(image, factor), 1.0 / factor


def _by_whole(image: NDArray[np.uint8], factor: int) -> NDArray[np.uint8]:
    """`image` area-averaged by the whole `factor`. OpenCV takes its fast path only when the
    sides divide exactly, so the last few rows and columns (under `factor`, less than a
    millimetre) are left out: a skewed page's odd size cost 3 times as much."""
    height, width = image.shape[:2]
    if height >= factor and width >= factor:
        height, width = height - height % factor, width - width % factor
    size = (max(1, width // factor), max(1, height // factor))
    return u8(cv2.resize(image[:height, :width], size, interpolation=cv2.INTER_AREA))


def order_corners(points: NDArray[np.float32]) -> Quad:
    """Corners in the order top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    total = pts.sum(axis=1)
    diff = pts[:, 1] - pts[:, 0]
    return np.array(
        [pts[np.argmin(total)], pts[np.argmin(diff)], pts[np.argmax(total)], pts[np.argmax(diff)]],
        dtype=np.float32,
    )


def find_page_quad(gray: Image) -> Quad | None:
    """The sheet of paper in a photo: the largest bright convex quadrilateral, or None.

    None when the sheet fills the frame (a scan) or no clear quadrilateral stands out: then the
    page is taken as it is, never warped on a guess.
    """
    small, scale = shrink(gray, 1000)
    small = u8(cv2.GaussianBlur(small, (3, 3), 0))
    # Paper is the bright part of the frame: Otsu separates it from desk/background, and a
    # closing fills the text so the sheet becomes one solid blob.
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    frame = small.shape[0] * small.shape[1]
    if area < 0.06 * frame:  # a page photographed from afar fills a fifth of the frame
        return None
    # The sheet's four straight edges first: a hard shadow leaves only part of it bright.
    quad = page_edges.edge_quad(small, contour) if area <= 0.97 * frame else None
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, closed=True)
    for epsilon in (0.01, 0.02, 0.03, 0.05) if quad is None else ():
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, closed=True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None:
        return None
    margin = 0.01 * max(small.shape)
    touches = (
        (quad[:, 0] <= margin)
        | (quad[:, 1] <= margin)
        | (quad[:, 0] >= small.shape[1] - 1 - margin)
        | (quad[:, 1] >= small.shape[0] - 1 - margin)
    )
    if touches.all() or area > 0.97 * frame:
        return None  # the sheet is the whole frame: a scan, nothing to flatten
    return order_corners(quad / scale)


def warp_quad(image: NDArray[np.uint8], quad: Quad) -> NDArray[np.uint8]:
    """The quadrilateral flattened into an upright rectangle of its own mean side lengths."""
    tl, tr, br, bl = quad
    width = round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2)
    height = round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2)
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    return u8(
        cv2.warpPerspective(
            image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    )


def rotate_right_angle(image: NDArray[np.uint8], degrees: int) -> NDArray[np.uint8]:
    """Turn a page counter-clockwise by a multiple of 90° (undoing a clockwise turn)."""
    turns = {0: None, 90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180}
    turns[270] = cv2.ROTATE_90_CLOCKWISE
    code = turns[degrees % 360]
    return image if code is None else u8(cv2.rotate(image, code))


def rotate(image: NDArray[np.uint8], degrees: float, *, fill: int = 255) -> Image:
    """Turn counter-clockwise by `degrees` about the centre, growing the canvas to keep corners."""
    if abs(degrees) < 0.05:
        return image
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    border = (float(fill),) * (1 if image.ndim == 2 else 3)
    return u8(
        cv2.warpAffine(
            image,
            matrix,
            (new_w, new_h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=border,
        )
    )


@dataclass(frozen=True)
class Pose:
    """What to undo: a right-angle turn (clockwise degrees) then a small skew (degrees, ccw)."""

    turn: int
    skew: float


def applied_skew(pose: Pose) -> float:
    """The deskew actually applied: none under MIN_SKEW.

    Tesseract reads a page a few tenths of a degree off as well as a straight one, while
    resampling a 1-bit fax to straighten it breaks strokes (benchmark: 47 errors against 20).
    """
    return pose.skew if abs(pose.skew) >= MIN_SKEW else 0.0


def apply_pose(image: NDArray[np.uint8], pose: Pose) -> NDArray[np.uint8]:
    upright = rotate_right_angle(image, pose.turn)
    return rotate(upright, applied_skew(pose))
