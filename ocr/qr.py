"""Read the QR code `ocr.regions` found on a page: its text, decoded on the upright colour page
inside the code's box (with a quiet-zone margin), or None when it cannot be read.

Decoder chosen by `bench/qr.py` on generated chip ID cards (`python -m bench.qr`, 40 cards a
condition, seed 7; the code found by `ocr.regions`, then each decoder on the same crop, as it is
and enlarged twice; a code counts when its text is the card's payload byte for byte):

    condition          code found   zxing-cpp            OpenCV detectAndDecode
    id_card_flatbed    40/40        40/40 100 %  1 ms    38/40  95 %    8 ms
    id_card_photo      40/40        40/40 100 %  3 ms    40/40 100 %   11 ms
    card at 150 dpi    40/40        40/40 100 %  1 ms    19/40  48 %   10 ms
    id_card_glare      38/40        32/40  80 %  4 ms    34/40  85 %   15 ms
    id_card_blur       40/40        40/40 100 %  3 ms    32/40  80 %   32 ms

zxing-cpp reads more and costs a tenth, so it decodes (`read`): as it is, twice, then three
times enlarged and sharpened, which reads codes of 1.5 px a module (flatbed scans at 120 dpi:
40/40; 4/10 of them read without it). A code located but not decoded (a glare's pale
modules) is then read on its `restored` views: with them the pipeline reads 37 of the 40 glared
codes (33 before; the glare row's times are those of bae8a88, the counts of this code, whose
`ocr.regions` finds two more). OpenCV comes only last, on the crop twice enlarged, where it
reads glared codes zxing-cpp does not as it is (34/40 against 32/40). Under 1.5 px a module a
code fades out (110 dpi 29/40, 100 dpi 12/40, 90 dpi 1/40): such a card, like one whose code a
glare burnt out, keeps the fields read off its print, never a guess (`ocr.papers.read_paper`
takes fields only from a code that decoded, its Reed-Solomon check passed, into a CCCD layout).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import zxingcpp
from numpy.typing import NDArray

from models.recognition import Box, Region, RegionKind
from ocr.geometry import u8

MARGIN = 0.15
"""Of the code's side, round its box: the quiet zone the finder patterns need."""
SHARPEN_SIGMA = 2.0
"""Of the unsharp mask on an enlarged code, in the enlarged pixels."""
FLAT_RANGE = 16.0
"""Grey levels: a neighbourhood whose darkest and lightest pixels differ by less is taken as
flat (a glare's burnt-out core, blank paper), not stretched into its noise."""
THRESHOLD_WINDOWS = (1 / 5, 1 / 6.5, 1 / 8, 1 / 10)
"""Of the code's side, the windows of the adaptive thresholds in `restored`: which one keeps a
glared code's pale modules depends on how far the glare spreads (one card read only at 1/5–1/6,
another only at 1/6.5–1/9)."""


def crop(page: NDArray[np.uint8], box: Box, scale: float = 1.0) -> NDArray[np.uint8]:
    """The code and its quiet zone, grey, from `page` whose pixels are the box's over `scale`."""
    x, y = box.left / scale, box.top / scale
    w, h = box.width / scale, box.height / scale
    margin = MARGIN * max(w, h)
    top, left = max(0, round(y - margin)), max(0, round(x - margin))
    bottom, right = round(y + h + margin), round(x + w + margin)
    part = page[top:bottom, left:right]
    return part if part.ndim == 2 else u8(cv2.cvtColor(part, cv2.COLOR_RGB2GRAY))


def read_zxing(grey: NDArray[np.uint8]) -> str | None:
    found, _ = _first_code(grey)
    return found.text if found is not None else None


def read_opencv(grey: NDArray[np.uint8]) -> str | None:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(grey)
    return text or None


def _first_code(grey: NDArray[np.uint8]) -> tuple[zxingcpp.Barcode | None, bool]:
    """The first QR code zxing-cpp decodes in `grey`, and whether it located one it did not
    decode: its finder patterns found and its format read (itself checked by its BCH code), only
    its Reed-Solomon check failed. Texture that passes for finder patterns has no format."""
    # Asked for QR codes only: by default it tries every 1D and 2D format too, 26-37 ms on a
    # photographed card or far page where this takes 2-3 ms, for the same codes.
    qr = zxingcpp.BarcodeFormat.QRCode
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(qr), return_errors=True)
    code = next((c for c in found if c.format == qr and c.valid and c.text), None)
    # A located code whose check failed may come back named a Micro QR code (zxing-cpp 3.1,
    # asked for QR codes only): what counts is that its format information read.
    return code, any(c.error is not None and c.error.type is zxingcpp.Checksum for c in found)


def _sharpened(grey: NDArray[np.uint8], factor: int) -> NDArray[np.uint8]:
    """Enlarged `factor` times (cubic) and unsharp-masked: a module of 1.5–2 px, whose edges the
    scanner averaged into greys, gets back edges the decoder's binariser can place."""
    big = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    soft = cv2.GaussianBlur(big, (0, 0), SHARPEN_SIGMA)
    return u8(cv2.addWeighted(big, 2.0, soft, -1.0, 0))


def views(grey: NDArray[np.uint8], enlarge: bool) -> Iterator[tuple[NDArray[np.uint8], int]]:
    """The crop as zxing-cpp is given it, cheapest first, each with its enlargement: as it is,
    then (with `enlarge`) twice (cubic) and three times sharpened (`bench.qr --limit`: at
    120 dpi, 1.5–1.7 px a module, as it is and twice read 4/10 flatbed scans, three times
    sharpened 10/10)."""
    yield grey, 1
    if enlarge:
        yield u8(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)), 2
        yield _sharpened(grey, 3), 3


def _odd(value: float) -> int:
    return max(3, round(value) | 1)


def restored(grey: NDArray[np.uint8]) -> Iterator[NDArray[np.uint8]]:
    """The crop with a glare's light undone, for a code located but not decoded: the lamp's
    reflection adds light, so under it the light modules burn out to white and the dark ones
    are lifted to pale grey, a few levels from white, too little contrast for zxing-cpp's own
    binariser (it takes an 8 px block of under 24 levels' range for all light).

    First each pixel stretched between the darkest and lightest of its neighbourhood (a
    quarter of the code's side, so a finder pattern's core and a light module round it are
    both in it): pale modules under the glare come out dark again, and a burnt-out patch, whose
    range is under `FLAT_RANGE`, stays light. Then adaptive thresholds (Gaussian, windows of
    `THRESHOLD_WINDOWS` of the code's side, one level below the mean), which keep a fainter
    module the stretch averages away. The code's side is the crop's over its quiet-zone
    margins (`crop`). Each view is only binarised, never guessed into: a decoded text still
    passed the code's Reed-Solomon check."""
    side = max(grey.shape) / (1 + 2 * MARGIN)
    window = _odd(side / 4)
    kernel = np.ones((window, window), np.uint8)
    high = cv2.blur(cv2.dilate(grey, kernel), (window, window)).astype(np.float32)
    low = cv2.blur(cv2.erode(grey, kernel), (window, window)).astype(np.float32)
    spread = np.maximum(high - low, FLAT_RANGE)
    yield u8(np.clip((grey.astype(np.float32) - low) / spread * 255, 0, 255).astype(np.uint8))
    for share in THRESHOLD_WINDOWS:
        yield u8(
            cv2.adaptiveThreshold(
                grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, _odd(side * share), 1
            )
        )


def read_code(
    grey: NDArray[np.uint8], *, enlarge: bool = True, known: bool = False
) -> tuple[str, NDArray[np.float64]] | None:
    """The text of the first QR code zxing-cpp decodes in `grey`, trying `views` in turn, and its
    four corners (top left, top right, bottom right, bottom left) in `grey`'s pixels.

    When none reads but a code is there (zxing-cpp located one whose check failed, or `known`:
    the caller's detector found its finder patterns), the `restored` views are tried too; on a
    page without a code nothing is located, so they cost it nothing."""
    located = known
    for view, factor in views(grey, enlarge):
        found, seen = _first_code(view)
        if found is not None:
            return found.text, _corners(found) / factor
        located = located or seen
    for view in restored(grey) if located else ():
        found, _ = _first_code(view)
        if found is not None:
            return found.text, _corners(found)
    return None


def _corners(found: zxingcpp.Barcode) -> NDArray[np.float64]:
    p = found.position
    points = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    return np.array([(q.x, q.y) for q in points], np.float64)


def read(grey: NDArray[np.uint8]) -> str | None:
    """The text of the QR code in a crop of it (`crop`), or None: zxing-cpp on `views` and, the
    crop being of a code `ocr.regions` found, on the `restored` views; then OpenCV's decoder on
    the crop enlarged twice, which reads some codes a glare has half burnt out that zxing-cpp
    does not (`bench.qr`: id_card_glare)."""
    if grey.size == 0:
        return None
    found = read_code(grey, known=True)
    if found is not None:
        return found[0]
    return read_opencv(u8(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))


def decode(page: NDArray[np.uint8], box: Box, scale: float = 1.0) -> str | None:
    """The text of the QR code in `box` on `page` (RGB or grey, upright), or None."""
    return read(crop(page, box, scale))


def with_payloads(
    regions: Sequence[Region], page: NDArray[np.uint8], scale: float = 1.0
) -> list[Region]:
    """`regions` with each QR code's decoded text set (`Region.payload`), where it reads."""
    return [
        r.model_copy(update={"payload": decode(page, r.box, scale)})
        if r.kind is RegionKind.QR_CODE
        else r
        for r in regions
    ]
