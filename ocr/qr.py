"""Read the QR code `ocr.regions` found on a page: its text, decoded on the upright colour page
inside the code's box (with a quiet-zone margin), or None when it cannot be read.

Decoder chosen by `bench/qr.py` on generated chip ID cards (`python -m bench.qr`, 40 cards a
condition, seed 7; the code found by `ocr.regions`, then each decoder on the same crop, as it is
and enlarged twice; a code counts when its text is the card's payload byte for byte):

    condition          code found   zxing-cpp            OpenCV detectAndDecode
    id_card_flatbed    40/40        40/40 100 %  2 ms    39/40 97.5 %  17 ms
    id_card_photo      40/40        40/40 100 %  4 ms    39/40 97.5 %  21 ms
    card at 150 dpi     8/40         0/40   0 %           0/40   0 %

zxing-cpp reads more and costs a tenth, so it decodes; OpenCV's detector still confirms codes in
`ocr.regions`, where zxing-cpp now finds the ones it misses (before: 39/40 flatbed, 37/40
photos found). At 150 dpi a module of the 13 mm code is under 2 px and neither decoder reads
it, enlarged or not: such a card keeps the fields read off its print. Whole cards through the
pipeline and `ocr.papers.read_paper` (`--fields 10`): ID, name, date of birth and issue date
exact on 10/10 flatbed scans and 10/10 phone photos.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import zxingcpp
from numpy.typing import NDArray

from models.recognition import Box, Region, RegionKind
from ocr.geometry import u8

MARGIN = 0.15
"""Of the code's side, round its box: the quiet zone the finder patterns need."""


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
    found = zxingcpp.read_barcodes(grey)
    qr = zxingcpp.BarcodeFormat.QRCode
    return next((c.text for c in found if c.format == qr and c.valid and c.text), None)


def read_opencv(grey: NDArray[np.uint8]) -> str | None:
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(grey)
    return text or None


def decode(page: NDArray[np.uint8], box: Box, scale: float = 1.0) -> str | None:
    """The text of the QR code in `box` on `page` (RGB or grey, upright), or None."""
    grey = crop(page, box, scale)
    if grey.size == 0:
        return None
    text = read_zxing(grey)
    if text is None:
        bigger = u8(cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
        text = read_zxing(bigger)
    return text


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
