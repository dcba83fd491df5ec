"""Non-text marks (ocr.regions) on generated pages: each kind found where it was put, and nothing
found on a page of plain text."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from models.recognition import Box, Region, RegionKind
from ocr import regions
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from ocr.prepare import prepare_page, source_dpi
from ocr.regions import find_regions, without_codes_and_photos
from synth.corpus import pick
from synth.hardset import generate
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


def test_a_code_on_a_photographed_card_is_boxed_alone_and_kept_out_of_the_reading() -> None:
    """The photographed card's guilloche ground averages dark, so the whole card is one dense
    block; the QR code in its corner made all of the card a QR code, and every "/" and "-"
    between a label and its English was dropped as a mark's ink. Read beside the code, the
    title lost its marks ("CAN CƯƠC CONG DAN"): the code is painted out of what Tesseract reads."""
    sample = generate("id_card_photo", 1, 7)
    (page,) = recognise_document(sample.data, OcrOptions()).pages
    (region,) = [r for r in page.regions if r.kind is RegionKind.QR_CODE]
    code = region.box
    # and it is read: the card holder's CCCD payload, the ID the card prints first
    assert region.payload is not None and region.payload.count("|") == 6
    assert f"Số / No.: {region.payload.split('|')[0]}" in page.text
    # the code sits in the top right corner and is about a sixth of the card wide
    assert code.width < 0.3 * page.width and code.height < 0.4 * page.height
    assert code.left > 0.6 * page.width and code.top < 0.3 * page.height
    assert "Số / No.:" in page.text and "Độc lập - Tự do - Hạnh phúc" in page.text
    assert "CĂN CƯỚC CÔNG DÂN" in page.text


def test_a_qr_code_is_painted_out_of_the_page_tesseract_reads_and_nothing_else() -> None:
    grey = text_page()
    code = Region(kind=RegionKind.QR_CODE, box=Box(left=400, top=600, width=100, height=100))
    seal = Region(kind=RegionKind.SEAL, box=Box(left=300, top=900, width=80, height=80))
    assert (grey[590:710, 390:510] < 128).any()  # there is print under it
    page = Image.fromarray(grey)
    assert without_codes_and_photos(page, [seal]) is page  # a seal's ink is the layout's to judge
    out = np.asarray(without_codes_and_photos(page, [code, seal]))
    assert (out[590:710, 390:510] == 255).all()  # the code and its quiet zone
    changed = out != grey
    changed[590:710, 390:510] = False
    assert not changed.any()


def test_a_page_whose_paper_is_grey_is_no_photo_on_it() -> None:
    """A far photo's sheet comes out grey all over: the whole page was one dark block and taken
    for a portrait, and every list marker ("b)", "2.") on it was dropped as the photo's ink."""
    grey = (text_page().astype(np.float32) * 0.6).astype(np.uint8)  # paper at 153
    assert find_regions(grey, dpi=DPI) == []


def test_finder_like_marks_that_span_no_square_are_no_code() -> None:
    """A photographed card turned upside down, put upright: OpenCV's detector found three
    "finder patterns" in its portrait and a label, spanning a box twice as tall as wide; painted
    out as a code, the card's "Có giá trị đến" line was lost (0 % CER before, 7.9 % after)."""
    image = generate("id_card_photo", 2, 11, quarter_turns=2).image()
    prepared = prepare_page(image)
    colour = np.asarray(prepared.colour)
    regions = find_regions(colour, dpi=source_dpi(image, prepared.colour))
    codes = [r.box for r in regions if r.kind is RegionKind.QR_CODE]
    assert len(codes) == 1  # the card's own code, top right
    assert 0.75 <= codes[0].width / codes[0].height <= 1.33


def test_a_dark_page_is_searched_for_a_code_on_a_shrunk_copy_and_its_code_still_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A phone photo's grey paper (or a toner band) makes the whole page one dark block: OpenCV's
    detector searched its 300 dpi print for finder patterns for 0.1-0.8 s a page. It now gets a
    copy at most DETECT_LONGEST long, and only after zxing-cpp, which reads a printed code on
    that page at full resolution."""
    page = render_page(pick(8, seed=5), dpi=300)
    grey = np.asarray(cv2.cvtColor(np.asarray(page.image), cv2.COLOR_RGB2GRAY))
    dark = (grey.astype(np.float32) * 0.6).astype(np.uint8)  # paper at 153
    searched: list[tuple[int, ...]] = []
    detector = cv2.QRCodeDetector

    class Spy:
        def detect(self, image: NDArray[np.uint8]) -> tuple[bool, NDArray[np.float32] | None]:
            searched.append(image.shape)
            ok, points = detector().detect(image)
            return ok, points

    monkeypatch.setattr(regions.cv2, "QRCodeDetector", Spy)
    assert max(dark.shape) > regions.DETECT_LONGEST
    assert [r for r in find_regions(dark, dpi=300) if r.kind is RegionKind.QR_CODE] == []
    assert searched and all(max(shape) <= regions.DETECT_LONGEST for shape in searched)

    code = cv2.QRCodeEncoder.create().encode("https://dichvucong.gov.vn/p/000.00.01.H29-0001")
    side = round(20 * 300 / 25.4)
    top, left = 700, 300
    dark[top : top + side, left : left + side] = cv2.resize(
        code, (side, side), interpolation=cv2.INTER_NEAREST
    ) * (153 / 255)
    [found] = [r for r in find_regions(dark, dpi=300) if r.kind is RegionKind.QR_CODE]
    assert near(found.box, left, top, side)
