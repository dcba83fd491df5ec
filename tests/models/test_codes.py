import unicodedata
from collections.abc import Callable

import pytest

from models.codes import (
    check_agency_code,
    check_dossier_code,
    check_personal_id,
    check_procedure_code,
)
from models.errors import InvalidCode
from models.schemas import DocumentUpdate, DossierCreate
from tests.conftest import DOSSIER


@pytest.mark.parametrize("code", ["000.00.01.H29-240115-0001", "123.45.67.G01-991231-9999"])
def test_dossier_codes_of_the_receipt_shape_pass(code: str) -> None:
    assert check_dossier_code(code) == code


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.01.H29-240115-001",  # 3-digit sequence
        "000.00.01.h29-240115-0001",  # lower-case level letter
        "00.00.01.H29-240115-0001",
        "000.00.01.H29-241315-0001",  # month 13
        "000.00.01.H29-240230-0001",  # 30 February
        "000.00.01.H29 240115 0001",
    ],
)
def test_dossier_codes_of_another_shape_are_refused(code: str) -> None:
    with pytest.raises(InvalidCode):
        check_dossier_code(code)


def test_procedure_codes() -> None:
    assert check_procedure_code("1.001193") == "1.001193"
    for bad in ("4.001193", "1.00119", "1001193", "1.0011930"):
        with pytest.raises(InvalidCode):
            check_procedure_code(bad)


def test_personal_ids_have_12_digits_and_a_province() -> None:
    assert check_personal_id("079193002341") == "079193002341"
    assert check_personal_id("001300000001") == "001300000001"
    for bad in ("79193002341", "0791930023411", "07919300234a", "000193002341", "097193002341"):
        with pytest.raises(InvalidCode):
            check_personal_id(bad)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (check_personal_id, "０７９１９３００２３４１"),  # full-width digits
        (check_personal_id, "٠٧٩١٩٣٠٠٢٣٤١"),  # Arabic-Indic digits
        (check_personal_id, "079193002341\n"),  # `$` lets a trailing newline through
        (check_procedure_code, "1.００１１９３"),
        (check_dossier_code, "000.00.01.H29-２40115-0001"),
        (check_agency_code, "000.00.0١.H29"),
    ],
)
def test_codes_take_ascii_digits_only(check: Callable[[str], str], value: str) -> None:
    with pytest.raises(InvalidCode):
        check(value)


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn\u200bVăn An",  # zero-width space
        "Nguyễn Văn\u202e nA",  # right-to-left override
        "Nguyễn Văn\u2066 An",  # left-to-right isolate
        "Nguyễn\u00adVăn An",  # soft hyphen
        "Nguyễn Văn An\x00",
        "Nguyễn Văn An\ufeff",
    ],
)
def test_names_with_invisible_or_reordering_characters_are_refused(name: str) -> None:
    with pytest.raises(InvalidCode):
        DossierCreate(**{**DOSSIER, "applicant_name": name})
    with pytest.raises(InvalidCode):
        DocumentUpdate(owner_name=name)


def test_names_are_stored_composed_with_single_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Văn\tAn")
    assert DossierCreate(**{**DOSSIER, "applicant_name": decomposed}).applicant_name == (
        "Nguyễn Văn An"
    )
    assert DocumentUpdate(signer=decomposed).signer == "Nguyễn Văn An"
