"""Non-text marks (ocr.regions) on generated pages: each kind found where it was put, and nothing
found on a page of plain text."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from models.recognition import Box, RegionKind
from ocr.regions import find_regions
from synth.corpus import pick
from synth.marks import seal_mask
from synth.render import render_page

DPI = 200
PX = DPI / 25.4


def text_page() -> NDArray[np.uint8]:
    page = render_page(pick(8, seed=5), dpi=DPI)
    return np.asarray(cv2.cvtColor(np.asarray(page.image), cv2.COLOR_RGB2GRAY))


def near(box: Box, left: float, top: float, size: float) -> bool:
    return abs(box.left - left) < 0.1 * size and abs(box.top - top) < 0.1 * size


def test_a_page_of_plain_text_has_no_marks() -> None:
    grey = text_page()
    assert find_regions(grey, dpi=DPI) == []
    assert find_regions(np.repeat(grey[:, :, None], 3, axis=2), dpi=DPI) == []


def test_a_seal_that_survived_as_grey_is_found_by_its_ring() -> None:
    grey = text_page().astype(np.float32)
    mask = seal_mask(DPI, np.random.default_rng(4))
    top, left = round(150 * PX), round(90 * PX)
    h, w = mask.shape
    grey[top : top + h, left : left + w] *= 1 - 0.7 * mask
    regions = find_regions(grey.astype(np.uint8), dpi=DPI)
    assert [r.kind for r in regions] == [RegionKind.SEAL]
    # The mask has a margin of 2 mm around the outer ring.
    assert near(regions[0].box, left + 2 * PX, top + 2 * PX, w)


def test_a_qr_code_is_found_and_its_box_scaled_to_the_page_tesseract_read() -> None:
    grey = text_page()
    code = cv2.QRCodeEncoder.create().encode(
        "https://dichvucong.gov.vn/p/000.00.01.H29-240115-0001"
    )
    side = round(25 * PX)
    big = cv2.resize(code, (side, side), interpolation=cv2.INTER_NEAREST)
    top, left = round(250 * PX), round(150 * PX)
    quiet = round(3 * PX)  # printed codes keep their quiet zone; text flows around them
    grey[top - quiet : top + side + quiet, left - quiet : left + side + quiet] = 255
    grey[top : top + side, left : left + side] = big
    regions = find_regions(grey, dpi=DPI, scale=1.5)
    assert [r.kind for r in regions] == [RegionKind.QR_CODE]
    assert near(regions[0].box, 1.5 * left, 1.5 * top, 1.5 * side)


def test_the_photo_of_an_id_card_is_found() -> None:
    grey = text_page()
    rng = np.random.default_rng(2)
    width, height = round(30 * PX), round(40 * PX)
    ys, xs = np.mgrid[0:height, 0:width]
    # A face-like blob of mid tones on a darker background, with sensor grain.
    face = 60 + 90 * np.exp(
        -(((xs - width / 2) / (width / 3)) ** 2 + ((ys - height / 2.5) / (height / 3)) ** 2)
    )
    photo = np.clip(face + rng.normal(0, 8, face.shape), 0, 255).astype(np.uint8)
    top, left = round(60 * PX), round(25 * PX)
    grey[top : top + height, left : left + width] = photo
    regions = find_regions(grey, dpi=DPI)
    assert [r.kind for r in regions] == [RegionKind.PHOTO]
    assert near(regions[0].box, left, top, width)
