import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocr.papers.ids import (
    enterprise_check_digit,
    enterprise_code_valid,
    parse_personal_id,
    personal_id_digits,
    personal_id_fits,
)


@pytest.mark.parametrize("code", ["0100109106", "0300588569", "0100109106-001"])
def test_published_enterprise_codes_check(code: str) -> None:
    # Viettel and Vinamilk's codes as printed on their registration certificates
    assert enterprise_code_valid(code)


@pytest.mark.parametrize(
    "code", ["0100109107", "0300588560", "010010910", "01001091061", "01001O9106", "0100109106-1"]
)
def test_misread_enterprise_codes_do_not_check(code: str) -> None:
    assert not enterprise_code_valid(code)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9))
def test_exactly_one_tenth_digit_checks(head: str, last: int) -> None:
    check = enterprise_check_digit(head)
    assert enterprise_code_valid(f"{head}{last}") == (check == last)


def test_a_weighted_sum_divisible_by_11_has_no_code() -> None:
    # the weighted sum of nine zeros is 0: its check digit would have to be 10
    assert enterprise_check_digit("000000000") is None
    assert not any(enterprise_code_valid(f"000000000{d}") for d in range(10))


@given(st.integers(1, 96), st.integers(1900, 2399), st.booleans(), st.integers(0, 999_999))
def test_a_personal_id_tells_province_sex_and_birth_year(
    province: int, year: int, male: bool, serial: int
) -> None:
    number = f"{province:03d}{personal_id_digits(year, male)}{serial:06d}"
    parsed = parse_personal_id(number)
    assert parsed is not None
    assert (parsed.province, parsed.male, parsed.birth_year) == (province, male, year)
    assert personal_id_fits(number, birth_year=year, male=male)
    assert not personal_id_fits(number, birth_year=year + 1)
    assert not personal_id_fits(number, male=not male)


@pytest.mark.parametrize(
    "number", ["000090012345", "097090012345", "00109001234", "0010900123456", "00109001234a"]
)
def test_no_personal_id_outside_provinces_or_twelve_digits(number: str) -> None:
    assert parse_personal_id(number) is None


def test_century_digit_of_the_2000s() -> None:
    assert personal_id_digits(2005, male=False) == "305"
    assert personal_id_digits(1990, male=True) == "090"
