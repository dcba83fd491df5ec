"""Marks on a page that are not text: seal, signature, QR code, photo, found with OpenCV alone.

They are recorded on the page (a clerk and the reuse features want to know a paper is sealed and
signed) and their ink is kept out of the text by `ocr.layout`; a QR code and a photo are also
kept out of what Tesseract reads (`without_codes_and_photos`). Sizes are in millimetres of paper,
so one rule holds at 150 and at 300 dpi.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.recognition import Box, Region, RegionKind
from ocr.geometry import labelled, reduce, u8
from ocr.geometry import shrink as shrunk
from ocr.pictures import find_pictures
from ocr.qr import read_code

WORK_PX_PER_MM = 2.5
"""Resolution the detectors work at: a seal ring (~1 mm) still shows, a page costs milliseconds."""
SEAL_DIAMETER_MM = (24.0, 50.0)
"""Round seals of Vietnamese agencies are 32–42 mm across; leave room for a partial stamp."""
SIGNATURE_MIN_MM = 15.0
PHOTO_MIN_MM = 15.0
"""A portrait on an ID card is 20 × 30 mm or larger; printed QR codes 10 mm and up."""
QR_MIN_MM = 10.0
SMALL_CODE_PX = 160
"""A block's crop (with its margin) at most this wide is also tried enlarged: a code of 41
modules in it has modules under 3 px (a card scanned at 150 dpi: 1.9 px). Only there: a seal's
or a portrait's block, three times as wide, enlarged cost 50 ms a page where it costs 10."""
DETECT_LONGEST = 2500
"""Crops (block and margin) longer than this are searched by OpenCV's detector on a copy shrunk
by 2 or more (`geometry.shrink`) to at most this: on a dark page (a phone photo's grey paper, a
toner band over a faded 300 dpi copy, 3,300-3,500 px long) the block is half the page or all of
it, and OpenCV searched its print for finder patterns for 0.1-0.8 s, the whole cost of the
regions step (shrunk by 2: 0.03-0.06 s). A card filling a 12 MP phone photo, flattened, is one
dark block under this (2,210 px on `bench.qr`'s glared card 37 of seed 7, whose code only
OpenCV finds, and only at full resolution). A small code on a dark A4 photo that zxing-cpp
cannot read may go unfound: left in the page Tesseract reads, a few letters of noise, where its
payload was lost anyway."""
CUT_SHARE = 0.7
"""A block whose short side is under this share of its long one may be a code a glare cut: the
reflection lifts part of the code over the dark blocks' threshold (`_dense_blocks`), and the
block keeps the code's height but only part of its width (a phone photo of a card: 0.64)."""
PAGE_SHARE = 0.5
"""A dark block over this share of the page is no photo or code on it: it is the paper itself
(a far photo's grey sheet was taken for a portrait, and every list marker on it dropped)."""


def find_regions(
    page: NDArray[np.uint8], *, dpi: float, scale: float = 1.0, text_height: float | None = None
) -> list[Region]:
    """Seals, signatures, QR codes and photos on `page` (RGB or grey, upright), with boxes in
    the pixels of the page resampled by `scale` (the image Tesseract read). With the letters'
    x-height in `page`'s pixels, pictures too (`ocr.pictures`: a card's portrait)."""
    small, shrink = reduce(page, WORK_PX_PER_MM * 25.4 / dpi)
    px = dpi * shrink / 25.4  # pixels per millimetre of the small page
    grey = small if small.ndim == 2 else u8(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
    found: list[tuple[RegionKind, tuple[int, int, int, int], float]] = []
    if small.ndim == 3:
        hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
        hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
        inked = (sat > 70) & (val > 50)
        red = inked & ((hue < 12) | (hue > 160))
        blue = inked & (hue > 95) & (hue < 135)
        found += [(RegionKind.SEAL, box, c) for box, c in seal_boxes(red, px)]
        found += [(RegionKind.SIGNATURE, box, 0.8) for box in _strokes(blue, px)]
    if not any(kind is RegionKind.SEAL for kind, _, _ in found):
        # A seal that survived as grey (a photocopy, a black-and-white scan): its double ring.
        found += [(RegionKind.SEAL, box, 0.6) for box in _grey_seals(grey, px)]
    for box, fill in _dense_blocks(grey, px):
        code = _qr_code(page, box, 1 / shrink)
        if code is None and _cut(box) and box[2] * box[3] <= PAGE_SHARE * grey.size:
            code = _qr_code(page, _squared(box), 1 / shrink, decoded=True)
        if code is not None:
            if not any(k is RegionKind.QR_CODE and _overlap(b, code) for k, b, _ in found):
                found.append((RegionKind.QR_CODE, code, 0.9))  # a card's block holds its code
        elif box[2] * box[3] > PAGE_SHARE * grey.shape[0] * grey.shape[1]:
            continue  # the page itself, dark (a photo's grey paper, a card's guilloche)
        elif fill >= 0.8 and min(box[2:]) >= PHOTO_MIN_MM * px and box[2] <= 1.2 * box[3]:
            found.append((RegionKind.PHOTO, box, 0.6))
    factor = scale / shrink
    if text_height:
        for x, y, w, h in find_pictures(page, text_height=text_height):
            box = (round(x * shrink), round(y * shrink), round(w * shrink), round(h * shrink))
            if any(_overlap(b, box) for k, b, _ in found if k in _OPAQUE):
                continue  # a code, or a photo the dense blocks found already
            # A portrait's pale blue ground passes for ballpoint ink: a "signature" inside a
            # picture is the picture's (kept, it stopped the portrait being painted out).
            found = [f for f in found if f[0] is not RegionKind.SIGNATURE or not _within(f[1], box)]
            found.append((RegionKind.PHOTO, box, 0.7))
    return [
        Region(
            kind=kind,
            box=Box(
                left=round(x * factor),
                top=round(y * factor),
                width=round(w * factor),
                height=round(h * factor),
            ),
            confidence=confidence,
        )
        for kind, (x, y, w, h), confidence in found
    ]


_OPAQUE = (RegionKind.QR_CODE, RegionKind.PHOTO)


def _shared(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    """The area two boxes have in common."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def _within(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    """Whether over half of box `inner` lies inside box `outer`."""
    return _shared(inner, outer) > 0.5 * inner[2] * inner[3]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether the boxes share over half of the smaller one (the same code found twice)."""
    return _shared(a, b) > 0.5 * min(a[2] * a[3], b[2] * b[3])


def _components(mask: NDArray[np.bool_], close: int) -> list[tuple[tuple[int, int, int, int], int]]:
    """Boxes and ink pixel counts of the mask's blobs after joining strokes `close` px apart."""
    binary = u8(mask.astype(np.uint8) * 255)
    if close > 1:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close))
        binary = u8(cv2.morphologyEx(binary, cv2.MORPH_CLOSE, kernel))
    count, _, stats, _ = labelled(binary)
    return [((int(s[0]), int(s[1]), int(s[2]), int(s[3])), int(s[4])) for s in stats[1:count]]


def seal_boxes(red: NDArray[np.bool_], px: float) -> list[tuple[tuple[int, int, int, int], float]]:
    """Red blobs as wide as a seal and about as tall: the ring and the name inside join up."""
    low, high = (d * px for d in SEAL_DIAMETER_MM)
    seals = []
    for box, _ in _components(red, round(2 * px)):
        w, h = box[2], box[3]
        if low <= max(w, h) <= high and 0.7 <= w / h <= 1.4:
            seals.append((box, round(min(w, h) / max(w, h), 2)))
    return seals


def _strokes(blue: NDArray[np.bool_], px: float) -> list[tuple[int, int, int, int]]:
    """Ballpoint ink (blue) in a blob wide enough to be a signature, not a tick or a dot."""
    return [
        box
        for box, _ in _components(blue, round(3 * px))
        if box[2] >= SIGNATURE_MIN_MM * px and box[3] >= 3 * px
    ]


def _grey_seals(grey: NDArray[np.uint8], px: float) -> list[tuple[int, int, int, int]]:
    """Circles of seal size whose rim is inked nearly all round: letters never close such a ring.

    OpenCV's "alternative" gradient Hough (a circle must be 70 % perfect), not the classic one:
    both found the same seals on the 22 real scans and the generated hard set, but the classic
    one voted every edge of a far photo's noisy page for 40 circles, 0.13–0.25 s of a page,
    where this costs 0.02 s (`docs/design_notes.md`). It also returns a seal's inner ring, a
    circle centred inside one already kept: that is the same seal."""
    low, high = (d * px / 2 for d in SEAL_DIAMETER_MM)
    circles = cv2.HoughCircles(
        cv2.medianBlur(grey, 3),
        cv2.HOUGH_GRADIENT_ALT,
        dp=1.5,
        minDist=2 * low,
        param1=300,
        param2=0.7,
        minRadius=round(low),
        maxRadius=round(high),
    )
    if circles is None:
        return []
    ink = grey < max(60, int(np.percentile(grey, 50)) - 60)
    kept: list[tuple[float, float, float]] = []
    for x, y, r in circles[0][:8]:
        if any(math.hypot(x - kx, y - ky) < kr for kx, ky, kr in kept):
            continue
        if _rim_inked(ink, float(x), float(y), float(r)) >= 0.8:
            kept.append((float(x), float(y), float(r)))
    return [(round(x - r), round(y - r), round(2 * r), round(2 * r)) for x, y, r in kept]


def _rim_inked(ink: NDArray[np.bool_], x: float, y: float, r: float) -> float:
    """Share of 120 points round the circle with ink within a pixel of the rim."""
    hits = 0
    height, width = ink.shape
    for k in range(120):
        angle = 2 * math.pi * k / 120
        for dr in (-1.0, 0.0, 1.0):
            cx = round(x + (r + dr) * math.cos(angle))
            cy = round(y + (r + dr) * math.sin(angle))
            if 0 <= cx < width and 0 <= cy < height and ink[cy, cx]:
                hits += 1
                break
    return hits / 120


def _dense_blocks(
    grey: NDArray[np.uint8], px: float
) -> list[tuple[tuple[int, int, int, int], float]]:
    """Square-ish blocks that stay dark when averaged over 2 mm: QR codes and photos do, print
    does not (a line of text averages to light grey). With the share of the box they fill."""
    side = max(3, round(2 * px))
    mean = cv2.blur(grey, (side, side))
    dark = u8((mean < 185).astype(np.uint8))
    dark = u8(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((side, side), np.uint8)))
    blocks = []
    for box, pixels in _components(dark.astype(bool), 0):
        w, h = box[2], box[3]
        if min(w, h) >= QR_MIN_MM * px and 0.5 <= w / h <= 2.0:
            blocks.append((box, pixels / (w * h)))
    return blocks


def _cut(box: tuple[int, int, int, int]) -> bool:
    return min(box[2:]) < CUT_SHARE * max(box[2:])


def _squared(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """`box` grown on both sides of its short side by the sides' difference: a square code of the
    long side fits in it whichever side of it the glare cut off. Only tried where the block
    as found held no code, so a page without one pays only for its oblong blocks."""
    x, y, w, h = box
    grow = abs(w - h)
    if w < h:
        return max(0, x - grow), y, w + 2 * grow, h
    return x, max(0, y - grow), w, h + 2 * grow


def _qr_code(
    page: NDArray[np.uint8], box: tuple[int, int, int, int], factor: float, decoded: bool = False
) -> tuple[int, int, int, int] | None:
    """The QR code in the block, on the block at the page's own resolution (a crop costs
    milliseconds where the whole page costs most of a second): its own box, in the small page's
    pixels, or None. Found by zxing-cpp, which decodes it; else by OpenCV's detector (three
    finder patterns; a long crop shrunk, `DETECT_LONGEST`), for a code a glare or a blur keeps
    from being decoded.

    The code's box, not the block's: on an ID card's grey security print the whole card is one
    dark block, and a code in its corner made all of the card a QR code, whose words (every "/"
    and "-" between a label and its English) were then dropped as a mark's ink.

    With `decoded`, only a code zxing-cpp decodes counts (a block squared by `_squared` takes in
    the print round it, where OpenCV's finder patterns alone are no proof)."""
    x, y, w, h = (round(v * factor) for v in box)
    margin = round(0.15 * max(w, h))
    left, top = max(0, x - margin), max(0, y - margin)
    crop = page[top : y + h + margin, left : x + w + margin]
    grey = crop if crop.ndim == 2 else u8(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))
    # zxing-cpp first: it decodes (so no texture passes for a code) in a tenth of the time
    # OpenCV's detector takes to search a crop, and gives the code's corners.
    code = read_code(grey, enlarge=max(grey.shape) <= SMALL_CODE_PX)
    found: NDArray[np.float64] | None = None
    if code is not None:
        found = code[1]
    elif not decoded:
        # A code zxing-cpp cannot read (a glare, a blur): OpenCV finds its finder patterns,
        # and it is painted out all the same.
        small, scale = shrunk(grey, DETECT_LONGEST)
        ok, points = cv2.QRCodeDetector().detect(small)
        if ok and points is not None:
            found = np.asarray(points, np.float64).reshape(-1, 2) / scale
    if found is None:
        return None
    corners = found + np.array([left, top])
    x0, y0 = corners.min(axis=0) / factor
    x1, y1 = corners.max(axis=0) / factor
    if not 0.75 <= (x1 - x0) / max(1.0, y1 - y0) <= 1.33:
        # A code is square, however the page was turned: three "finder patterns" spanning a
        # box twice as tall as wide were a portrait's and a label's ink (painted out, the
        # card's "Có giá trị đến" line went with them).
        return None
    return (int(x0), int(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0)))


def without_codes_and_photos(image: Image.Image, regions: Sequence[Region]) -> Image.Image:
    """`image` (the page Tesseract reads) with each QR code and photo painted paper-white, or
    `image` itself when there is none.

    A code holds no printed text: read, it was junk ("KỆ:", "B25") on the lines beside it, and
    it made those lines as tall as itself, so a card's title beside it lost its marks ("CAN
    CƯƠC CONG DAN" for "CĂN CƯỚC CÔNG DÂN"; read without the code, the title is whole). Only
    a code OpenCV's detector confirmed by its finder patterns is painted, with a margin of a
    tenth of its side for its quiet zone. A photo is painted as boxed (`ocr.pictures` pads it
    for the outline the flattening leaves round it). The PDF's page image keeps both."""
    marks = [r for r in regions if r.kind in (RegionKind.QR_CODE, RegionKind.PHOTO)]
    if not marks:
        return image
    page = np.array(image)
    white = 255 if page.ndim == 2 else (255, 255, 255)
    for mark in marks:
        box = mark.box
        quiet = mark.kind is RegionKind.QR_CODE
        margin = round(0.1 * max(box.width, box.height)) if quiet else 0
        top, left = max(0, box.top - margin), max(0, box.left - margin)
        page[top : box.top + box.height + margin, left : box.left + box.width + margin] = white
    return Image.fromarray(page)
