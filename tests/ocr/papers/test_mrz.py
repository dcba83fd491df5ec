"""The card's machine-readable zone: check digits, look-alike corrections only where one reading
passes every check, and a generated back read by the whole pipeline."""

from __future__ import annotations

import io
from datetime import date

import pytest

from models.extraction import FieldName as F
from models.kinds import DocumentKind
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.papers.mrz import ZoneValues, check_digit, check_zone, compact, td1
from ocr.papers.zone import read_zone
from ocr.pipeline import recognise_document
from synth.cardback import card_back
from tests.ocr.papers.built import result

ZONE = td1("001090012345", date(1990, 3, 5), True, date(2030, 3, 5), "NGUYỄN VĂN AN")


@pytest.mark.parametrize(
    ("text", "digit"),
    # ICAO 9303 part 3's worked examples
    [("D23145890", "7"), ("L898902C3", "6"), ("740812", "2"), ("120415", "9")],
)
def test_check_digits_are_icao_7_3_1(text: str, digit: str) -> None:
    assert check_digit(text) == digit


def test_a_written_zone_is_three_lines_of_30_that_check() -> None:
    assert [len(line) for line in ZONE] == [30, 30, 30]
    assert ZONE[0].startswith("IDVNM090012345") and "001090012345" in ZONE[0]
    assert ZONE[2].startswith("NGUYEN<<VAN<AN<")
    assert check_zone(*ZONE) == ZoneValues(
        "001090012345", date(1990, 3, 5), "male", date(2030, 3, 5), "NGUYEN VAN AN", 0
    )


def test_a_letter_read_for_a_digit_is_corrected() -> None:
    one = ZONE[0].replace("IDVNM09", "IDVNMO9")
    found = check_zone(one, ZONE[1], ZONE[2].replace("AN<", "4N<"))
    assert isinstance(found, ZoneValues)
    assert found.personal_id == "001090012345" and found.corrections == 1


def test_a_closing_bracket_read_for_a_one_is_a_one() -> None:
    zone = td1("031056447766", date(1956, 3, 21), True, None, "BUI DUC SON")
    assert zone[1].endswith("1")
    found = check_zone(zone[0], compact(zone[1][:-1] + "]"), zone[2])
    assert isinstance(found, ZoneValues) and found.corrections == 1


def test_a_digit_read_as_another_is_unreadable_not_corrected() -> None:
    for position in range(5, 30):
        for digit in "0123456789":
            for line in (0, 1):
                zone = list(ZONE)
                zone[line] = zone[line][:position] + digit + zone[line][position + 1 :]
                found = check_zone(*zone)
                assert zone == list(ZONE) or isinstance(found, str) or found == check_zone(*ZONE)


def test_a_zone_no_correction_validates_is_unreadable_not_guessed() -> None:
    two = ZONE[1][:2] + "4" + ZONE[1][3:]  # 0 → 4: no look-alike, every check fails
    assert isinstance(check_zone(ZONE[0], two, ZONE[2]), str)
    one = ZONE[0][:6] + "2" + ZONE[0][7:]  # the number disagrees with the ID it ends
    assert isinstance(check_zone(one, ZONE[1], ZONE[2]), str)


def test_a_permanent_card_has_no_expiry() -> None:
    zone = td1("001060012345", date(1960, 1, 2), False, None, "LE THI BA")
    found = check_zone(*zone)
    assert isinstance(found, ZoneValues) and found.expiry is None and found.sex == "female"


def test_a_generated_back_is_read_from_its_zone_with_evidence() -> None:
    page, zone = card_back(9, dpi=150)
    buffer = io.BytesIO()
    page.image.save(buffer, "PNG", dpi=(150, 150))
    reading = read_paper(recognise_document(buffer.getvalue(), OcrOptions()))
    assert reading.kind is DocumentKind.ID_CARD_OLD
    found = reading.get(F.PERSONAL_ID)
    assert found is not None and found.value == zone[0][15:27]
    assert found.box is not None and found.confidence >= 0.9
    born = reading.get(F.DATE_OF_BIRTH)
    assert born is not None and born.value == "1986-03-13"
    assert not reading.disagreements


def test_a_back_scanned_sideways_is_read_from_its_zone_turned_upright() -> None:
    """The page's PDF draws the scan as it lay and turns it on the page (PDF/A writer): the
    zone is read from that image turned as recognition turned the page, not as it lay."""
    page, zone = card_back(9, dpi=150)
    buffer = io.BytesIO()
    page.image.rotate(-90, expand=True).save(buffer, "PNG", dpi=(150, 150))
    document = recognise_document(buffer.getvalue(), OcrOptions())
    assert document.pages[0].pose.turn == 90
    reading = read_paper(document)
    found = reading.get(F.PERSONAL_ID)
    assert found is not None and found.value == zone[0][15:27]
    assert found.evidence is not None and "<" in str(found.evidence)


def _card(born: str) -> DocumentResult:
    return result(
        "CĂN CƯỚC CÔNG DÂN",
        "Số / No.: 001090012345",
        "Họ và tên / Full name: NGUYỄN VĂN AN",
        f"Ngày sinh / Date of birth: {born}",
        *ZONE,
    )


def test_the_zone_and_the_print_agree_or_the_field_is_named() -> None:
    agreed = read_paper(_card("05/03/1990"))
    assert agreed.disagreements == []
    assert agreed.get(F.VALID_UNTIL) is not None  # from the zone: the print has none here
    differs = read_paper(_card("06/03/1990"))
    assert differs.disagreements == [F.DATE_OF_BIRTH]
    born = differs.get(F.DATE_OF_BIRTH)
    assert born is not None and born.value == "1990-03-05"  # the checked zone's, kept


def test_a_line_of_vietnamese_print_is_no_zone_however_many_cs_it_has() -> None:
    """A contract's line: its c's read as fillers gave it five ("chức" → "<HU<"), so the band
    was read again by Tesseract on every such page (3 s of a 200 dpi page's 4)."""
    line = (
        "Bên B đảm nhận chức vụ Nhân viên kỹ thuật tại Công ty Trách nhiệm hữu hạn Logistics "
        "Bắc Hà. Địa điểm làm việc: trụ"
    )
    assert read_zone(result(line).pages[0]) is None
