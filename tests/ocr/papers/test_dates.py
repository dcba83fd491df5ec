from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr.papers.dates import find_dates, parse_date
from ocr.papers.lines import fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội, ngày 05 tháng 3 năm 2021", date(2021, 3, 5)),
        ("ngày 5 tháng 03 năm 2021", date(2021, 3, 5)),
        ("Ha Noi, ngay 05 thang 3 nam 2021", date(2021, 3, 5)),
        ("NGÀY 31 THÁNG 12 NĂM 1999", date(1999, 12, 31)),
        ("Ngày sinh / Date of birth: 05/03/2021", date(2021, 3, 5)),
        ("05-03-2021", date(2021, 3, 5)),
        ("05.03.2021", date(2021, 3, 5)),
        ("Có giá trị đến: 0l/O7/2O30", date(2030, 7, 1)),  # OCR read 1 as l, 0 as O
        ("ngày 29 tháng 2 năm 2024", date(2024, 2, 29)),
        ("Đăng ký lần đầu: ngày 31 tháng 12 nạn: 2020", date(2020, 12, 31)),  # năm misread
        ("Phú Thượng, ngày.25 tháng 12 năm 2025", date(2025, 12, 25)),
        ("Bình Chánh, ngày 06 tháng 4.năm 2022", date(2022, 4, 6)),  # a fax ran "4" into "năm"
    ],
)
def test_vietnamese_dates_become_iso(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ngày 30 tháng 2 năm 2021", "31/04/2021", "05/03/1850", "Số: 125/QĐ-UBND", "12/2021", ""],
)
def test_what_is_no_date_is_not_read_as_one(text: str) -> None:
    assert parse_date(text) is None


def test_every_date_of_a_line_is_found_with_its_place() -> None:
    text = fold("Cấp ngày 01/07/2024, có giá trị đến ngày 05 tháng 3 năm 2030")
    found = find_dates(text)
    assert [m.iso for m in found] == ["2024-07-01", "2030-03-05"]
    assert text[found[0].start : found[0].end] == "01/07/2024"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.booleans())
def test_any_printed_date_reads_back(day: date, spelled: bool) -> None:
    printed = (
        f"ngày {day.day:02d} tháng {day.month} năm {day.year}"
        if spelled
        else day.strftime("%d/%m/%Y")
    )
    assert parse_date(printed) == day
