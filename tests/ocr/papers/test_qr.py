"""The chip ID card's QR payload: parsed and checked, read in place of the print, compared."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import pytest

from models.extraction import FieldName as F
from models.kinds import DocumentKind
from models.recognition import Box, DocumentResult, Region, RegionKind
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.papers.qr import QR_CONFIDENCE, CardCode, UnknownLayout, parse
from ocr.pipeline import recognise_document
from synth.hardset import generate
from synth.idcard import card_front
from tests.ocr.papers.built import result

PAYLOAD = "001090012345|012345678|Nguyễn Văn An|05031990|Nam|Thôn 3, Tân Lập, Hà Nội|15082021"
BOX = Box(left=2000, top=100, width=300, height=300)


def test_a_cccd_payload_is_parsed_into_checked_fields() -> None:
    code = parse(PAYLOAD)
    assert code == CardCode(
        personal_id="001090012345",
        old_id="012345678",
        full_name="Nguyễn Văn An",
        born=date(1990, 3, 5),
        sex="male",
        residence="Thôn 3, Tân Lập, Hà Nội",
        issued=date(2021, 8, 15),
        payload=PAYLOAD,
    )


def test_an_empty_old_id_and_a_decomposed_nu_are_accepted() -> None:
    nu = unicodedata.normalize("NFD", "Nữ")
    code = parse(f"036301001234||Trần Thị Bình|29022000|{nu}|Xóm 1, Nam Định|01072022")
    assert isinstance(code, CardCode)
    assert code.old_id is None and code.sex == "female" and code.born == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ("001090012345|Nguyễn Văn An|05031990|Nam|Hà Nội|15082021", "6 fields"),  # no CMND
        (PAYLOAD.replace("001090012345", "00109001234"), "ID is not 12 digits"),
        (PAYLOAD.replace("001090012345", "００1090012345"), "ID is not 12 digits"),
        (PAYLOAD.replace("012345678", "01234567"), "old CMND"),
        (PAYLOAD.replace("05031990", "31021990"), "date of birth"),
        (PAYLOAD.replace("15082021", "2021-08-15"), "issue date"),
        (PAYLOAD.replace("|Nam|", "|M|"), "sex"),
        (PAYLOAD.replace("15082021", "15081980"), "issued before birth"),
        ("https://example.vn/verify?id=1", "1 fields"),
    ],
)
def test_other_payloads_are_an_unknown_layout_never_a_guess(payload: str, why: str) -> None:
    parsed = parse(payload)
    assert isinstance(parsed, UnknownLayout)
    assert parsed.reason.startswith("unknown layout") and why in parsed.reason


def _card(payload: str | None, *rows: str) -> DocumentResult:
    document = result(*rows)
    region = Region(kind=RegionKind.QR_CODE, box=BOX, confidence=0.9, payload=payload)
    page = document.pages[0].model_copy(update={"regions": [region]})
    return document.model_copy(update={"pages": [page]})


PRINT = (
    "CAN CUOC CONG DAN",
    "So / No.: 001090012345",
    "Ho va ten / Full name: NGUYEN VAN AN",
    "Ngay sinh / Date of birth: 05/03/1990",
    "Gioi tinh / Sex: Nam Quoc tich / Nationality: Viet Nam",
)


def test_an_id_card_with_a_readable_code_takes_its_fields_from_the_code() -> None:
    reading = read_paper(_card(PAYLOAD, *PRINT))
    assert reading.kind is DocumentKind.ID_CARD_OLD
    coded = {f.name: f for f in reading.fields if f.box == BOX}
    assert {n: f.value for n, f in coded.items()} == {
        F.PERSONAL_ID: "001090012345",
        F.OLD_ID: "012345678",
        F.FULL_NAME: "Nguyễn Văn An",
        F.DATE_OF_BIRTH: "1990-03-05",
        F.SEX: "male",
        F.RESIDENCE: "Thôn 3, Tân Lập, Hà Nội",
        F.ISSUE_DATE: "2021-08-15",
    }
    assert all(f.confidence == QR_CONFIDENCE and f.page == 1 for f in coded.values())
    assert reading.disagreements == []  # the print, read, says the same (name in capitals)
    assert [f.name for f in reading.fields].count(F.FULL_NAME) == 1


def test_a_print_that_disagrees_with_the_code_is_named() -> None:
    rows = [r.replace("05/03/1990", "05/03/1991") for r in PRINT]
    reading = read_paper(_card(PAYLOAD, *rows))
    assert reading.disagreements == [F.DATE_OF_BIRTH]
    born = reading.get(F.DATE_OF_BIRTH)
    assert born is not None and born.value == "1990-03-05"  # the code's, not the print's


@pytest.mark.parametrize("payload", [None, "001090012345|Nguyễn Văn An|05031990|Nam|HN|15082021"])
def test_no_code_or_an_unknown_layout_leaves_the_print_reading(payload: str | None) -> None:
    reading = read_paper(_card(payload, *PRINT))
    assert F.RESIDENCE not in {f.name for f in reading.fields}
    assert all(f.box != BOX for f in reading.fields)
    assert reading.disagreements == []


def test_a_cccd_code_on_a_paper_not_otherwise_placed_makes_it_a_chip_card() -> None:
    reading = read_paper(_card(PAYLOAD, "xin chao"))
    assert reading.kind is DocumentKind.ID_CARD_OLD
    assert reading.kind_confidence == QR_CONFIDENCE


def read_from_its_code(data: bytes) -> CardCode:
    """The file recognised by the pipeline, then read as a paper: a chip card whose key fields
    are the code's, exactly, boxed by the code."""
    document = recognise_document(data, OcrOptions())
    (region,) = [r for r in document.pages[0].regions if r.kind is RegionKind.QR_CODE]
    assert region.payload is not None
    code = parse(region.payload)
    assert isinstance(code, CardCode)
    reading = read_paper(document)
    assert reading.kind is DocumentKind.ID_CARD_OLD
    exact = {
        F.PERSONAL_ID: code.personal_id,
        F.FULL_NAME: code.full_name,
        F.DATE_OF_BIRTH: code.born.isoformat(),
        F.ISSUE_DATE: code.issued.isoformat(),
    }
    for name, value in exact.items():
        field = reading.get(name)
        assert field is not None and field.value == value and field.box == region.box
    return code


def test_a_photographed_card_is_read_from_its_code_exactly() -> None:
    sample = generate("id_card_photo", 2, 7)
    code = read_from_its_code(sample.data)
    assert f"Số / No.: {code.personal_id}" in sample.text  # what the card prints
    assert code.full_name.upper() in sample.text


def test_a_card_at_150_dpi_is_read_from_its_code() -> None:
    """A module of its code is 1.9 px: no such card's code was read before its render was a
    scan's."""
    card = card_front(7003, dpi=150)
    buffer = io.BytesIO()
    card.image.save(buffer, "PNG", dpi=(150, 150))
    code = read_from_its_code(buffer.getvalue())
    assert f"Số / No.: {code.personal_id}" in card.text


def test_a_code_a_glare_burnt_out_leaves_the_print_reading_without_a_guess() -> None:
    """The lamp's reflection burnt out a third of the code (`synth.hard.id_card_glare`): found,
    not read, so nothing is taken from it and the ID comes from the print, as the card prints
    it. (Card 10, here before, reads since its glare is undone: `ocr.qr.restored`.)"""
    sample = generate("id_card_glare", 35, 7)
    document = recognise_document(sample.data, OcrOptions())
    codes = [r for r in document.pages[0].regions if r.kind is RegionKind.QR_CODE]
    assert codes and all(r.payload is None for r in codes)
    reading = read_paper(document)
    assert F.RESIDENCE not in {f.name for f in reading.fields}  # only the code gives it
    assert all(f.box not in {r.box for r in codes} for f in reading.fields)
    personal_id = reading.get(F.PERSONAL_ID)
    assert personal_id is not None and f"Số / No.: {personal_id.value}" in sample.text
