"""Pictures (ocr.pictures): a card's portrait is found and kept out of what Tesseract reads;
print, however bold or shaded, and a dark border are not pictures."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from models.recognition import Box, Region, RegionKind
from ocr.options import OcrOptions
from ocr.pictures import find_pictures
from ocr.pipeline import recognise_document
from ocr.prepare import prepare_page
from ocr.regions import without_codes_and_photos
from synth.corpus import pick
from synth.hardset import generate
from synth.idcard import card_front
from synth.render import render_page

DPI = 200
PX = DPI / 25.4
X_HEIGHT = 2.0 * PX * 0.5  # 11 pt print: about 2 mm of body, half of it x-height


def text_page() -> NDArray[np.uint8]:
    page = render_page(pick(8, seed=5), dpi=DPI)
    return np.asarray(cv2.cvtColor(np.asarray(page.image), cv2.COLOR_RGB2GRAY))


def overlap(a: tuple[int, int, int, int], b: tuple[float, float, float, float]) -> float:
    """Share of box b covered by box a."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h) / (b[2] * b[3])


@pytest.mark.parametrize("seed", [3, 4])
def test_a_card_portrait_is_found_where_it_was_printed_and_nowhere_near_its_print(
    seed: int,
) -> None:
    card = card_front(seed, dpi=300).image
    prepared = prepare_page(card)
    assert prepared.pose.turn == 0 and not prepared.pose.flattened
    colour = np.asarray(prepared.colour)
    assert prepared.x_height is not None
    letters = prepared.x_height * colour.shape[1] / prepared.image.width
    px = 300 / 25.4
    portrait = (3 * px, 20 * px, 20 * px, 26 * px)  # where synth.idcard pastes it
    boxes = find_pictures(colour, text_height=letters)
    # head and shoulders; a white shirt (seed 3) is paper to the eye and stays
    assert any(overlap(box, portrait) > 0.4 for box in boxes)
    # every picture ends before the print begins (labels start 26 mm in)
    assert all(box[0] + box[2] < 25 * px for box in boxes)


def test_print_bold_or_shaded_is_no_picture() -> None:
    grey = text_page().astype(np.float32)
    # a grey-shaded table cell full of print, as forms and annexes have
    grey[round(40 * PX) : round(90 * PX), round(20 * PX) : round(150 * PX)] *= 0.72
    page = grey.astype(np.uint8)
    # a heading in heavy capitals, letters 8 mm tall with 1.5 mm strokes
    cv2.putText(
        page,
        "QUYET DINH",
        (round(30 * PX), round(120 * PX)),
        cv2.FONT_HERSHEY_SIMPLEX,
        2.6,
        0,
        round(1.5 * PX),
    )
    assert find_pictures(page, text_height=X_HEIGHT) == []


def test_a_dark_border_is_no_picture() -> None:
    """A photocopy's black band, or the scanner lid beside a card: dark, solid, and on the edge."""
    page = text_page().copy()
    page[:, : round(12 * PX)] = 20
    page[: round(8 * PX), :] = 25
    assert find_pictures(page, text_height=X_HEIGHT) == []


def test_a_photo_is_painted_out_as_boxed() -> None:
    grey = text_page()
    photo = Region(kind=RegionKind.PHOTO, box=Box(left=400, top=600, width=100, height=120))
    out = np.asarray(without_codes_and_photos(Image.fromarray(grey), [photo]))
    assert (out[600:720, 400:500] == 255).all()
    changed = out != grey
    changed[600:720, 400:500] = False
    assert not changed.any()


def test_a_photographed_cards_portrait_is_not_read_as_words() -> None:
    """The flattening turned the portrait's hair and collar into outlines, read as lines of junk
    ("_ ạ8!2=-fbc—", "›».", "|") between the card's title and its number: 4.5 % CER where
    plain Tesseract, which sets solid areas aside, read 1.3 %."""
    sample = generate("id_card_photo", 1, 7)
    (page,) = recognise_document(sample.data, OcrOptions()).pages
    assert any(r.kind is RegionKind.PHOTO for r in page.regions)
    lines = [line for line in page.text.splitlines() if line.strip()]
    title = lines.index("Citizen Identity Card")
    assert lines[title + 1].startswith("Số / No.:")
    truth = [line for line in sample.text.splitlines() if line.strip()]
    assert len(lines) == len(truth)  # no line of junk anywhere


def test_a_portraits_blue_ground_is_no_signature_and_the_portrait_is_painted_out() -> None:
    """A flatbed card: the portrait's pale blue ground passed for ballpoint ink, and the
    "signature" found there kept the portrait from being painted out; its hair was read as
    "“(Œà" under the card's title."""
    sample = generate("id_card_flatbed", 2, 11)
    (page,) = recognise_document(sample.data, OcrOptions()).pages
    kinds = [r.kind for r in page.regions]
    assert RegionKind.SIGNATURE not in kinds and RegionKind.PHOTO in kinds
    lines = [line for line in page.text.splitlines() if line.strip()]
    truth = [line for line in sample.text.splitlines() if line.strip()]
    assert len(lines) == len(truth)
