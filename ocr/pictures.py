"""Pictures on a page: a card's portrait, a photo glued to a form, a solid emblem.

Plain Tesseract sees a portrait as solid areas and its layout analysis sets them aside as an
image. Our photometry flattens the light under the print (`photometry.flatten`), and a solid
area wider than the letters flattens into its own outline: the hair's rim, the collar, the
frame's edge, which Tesseract then reads as junk lines ("_ „ai", "==ÊNn", "Kao") between the
card's title and its number: on generated ID cards sohoa was up to 4.7 points worse than plain
Tesseract for that alone. So the pictures are found on the colour page, before the flattening's
effect, and painted out of what Tesseract reads (`ocr.regions.without_codes_and_photos`).

What makes a picture, measured in the letters' own x-height (a card photographed from afar has
no reliable millimetres):
- ink much darker than the paper around it (a background estimated over 16 x-heights, so
  a phone's uneven light is no picture),
- that survives an opening by 0.6 x-height: every stroke of print, bold headings included,
  is thinner and goes; a portrait's hair, face, clothes and background stay,
- in blobs of at least 6 x-heights² that do not touch the page's edge (a scanner lid, the
  table under a phone, a photocopy's black border are not pictures),
- grouped within 1.5 x-heights into an area at least 4 x-heights on each side and under half
  the page,
- and smooth inside: under 5 % of its pixels differ from their neighbourhood's median by more
  than 40 grey levels. Print on a grey-shaded table cell or a block of bold capitals is full
  of such edges (measured 20–60 %), a portrait's areas of flat tone are not (0.3–1.6 %). A
  picture that fails it is left to Tesseract, as plain Tesseract would have it.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.geometry import reduce, u8

WORK_X_HEIGHT = 8.0
"""Pixels of x-height in the work copy: a picture's blobs are dozens of pixels, a page costs
milliseconds."""
DARKER = 30
"""Grey levels under the paper's estimate that count as picture ink."""
OPENING = 0.6
MIN_BLOB = 6.0
GROUP = 1.5
MIN_SIDE = 4.0
PAGE_SHARE = 0.5
MAX_DETAIL = 0.05
PAD = 0.3
"""x-heights painted round a picture: the outline the flattening leaves at its rim."""

Box = tuple[int, int, int, int]


def find_pictures(page: NDArray[np.uint8], *, text_height: float) -> list[Box]:
    """Boxes (left, top, width, height, in `page`'s pixels) of the pictures on `page` (RGB or
    grey, upright), whose letters have an x-height of `text_height` pixels."""
    small, shrink = reduce(page, WORK_X_HEIGHT / max(1.0, text_height))
    if small.ndim == 3:
        small = u8(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
    x = max(1.0, text_height * shrink)
    solid = _solid(small, x)
    height, width = small.shape
    kept = np.zeros_like(solid)
    blobs = [c for c in _outlines(solid) if _inside(c, width, height)]
    blobs = [c for c in blobs if cv2.contourArea(c) >= MIN_BLOB * x * x]
    if not blobs:
        return []
    cv2.drawContours(kept, blobs, -1, 255, thickness=cv2.FILLED)
    side = round(GROUP * x) | 1
    grouped = u8(cv2.dilate(kept, np.ones((side, side), np.uint8)))
    boxes = []
    pad = PAD * x
    for outline in _outlines(grouped):
        left, top, w, h = cv2.boundingRect(outline)
        # the group's own ink, not the reach of its grouping
        ys, xs = np.nonzero(kept[top : top + h, left : left + w])
        left, top = left + int(xs.min()), top + int(ys.min())
        w, h = int(xs.max()) - int(xs.min()) + 1, int(ys.max()) - int(ys.min()) + 1
        if min(w, h) < MIN_SIDE * x or w * h > PAGE_SHARE * height * width:
            continue
        if _detail(small[top : top + h, left : left + w], x) > MAX_DETAIL:
            continue
        x0, y0 = max(0.0, left - pad), max(0.0, top - pad)
        x1, y1 = min(width, left + w + pad), min(height, top + h + pad)
        boxes.append(
            (
                round(x0 / shrink),
                round(y0 / shrink),
                round((x1 - x0) / shrink),
                round((y1 - y0) / shrink),
            )
        )
    return boxes


def _outlines(mask: NDArray[np.uint8]) -> list[NDArray[np.int32]]:
    """The outer outlines of the mask's blobs (cheaper than labelling a sparse mask)."""
    outlines, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [np.asarray(outline, np.int32) for outline in outlines]


def _inside(outline: NDArray[np.int32], width: int, height: int) -> bool:
    """Whether the blob keeps off the page's edge (a lid's or a table's dark is no picture)."""
    left, top, w, h = cv2.boundingRect(outline)
    return left > 0 and top > 0 and left + w < width and top + h < height


def _solid(small: NDArray[np.uint8], x: float) -> NDArray[np.uint8]:
    """Ink far darker than the paper around it, in areas thicker than any stroke of print."""
    tiny, factor = reduce(small, 0.25)
    reach = max(3, round(16 * x * factor)) | 1
    paper = cv2.dilate(tiny, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    paper = cv2.blur(paper, (reach // 4 | 1, reach // 4 | 1))
    paper = cv2.resize(paper, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_LINEAR)
    dark = u8((small.astype(np.int16) < paper.astype(np.int16) - DARKER).astype(np.uint8) * 255)
    k = max(3, round(OPENING * x)) | 1
    return u8(
        cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    )


def _detail(area: NDArray[np.uint8], x: float) -> float:
    """Share of the area's pixels far from their neighbourhood's median: print's edges."""
    k = max(3, round(x)) | 1
    median = cv2.medianBlur(area, k)
    return float((np.abs(area.astype(np.int16) - median.astype(np.int16)) > 40).mean())
