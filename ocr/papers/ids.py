"""Checks of the numbers printed on papers (design.md §5), so a misread digit is caught.

Personal ID (số định danh cá nhân): province 001–096, then a digit that tells century and sex
(1900s: 0 male, 1 female; 2000s: 2/3; 2100s: 4/5; …), then the last two digits of the birth year.
Enterprise code (mã số doanh nghiệp): N10 = 10 − (Σ Ni·Wi mod 11), W = 31,29,23,19,17,13,7,5,3;
a weighted sum ≡ 0 (mod 11) would need a check digit of 10, so no such code is issued.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROVINCE = 96
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
FIRST_CENTURY = 1900
LAST_CENTURY = 2300  # the century digit runs 0..9: 1900s to 2300s


@dataclass(frozen=True)
class PersonalId:
    province: int
    male: bool
    birth_year: int


def parse_personal_id(number: str) -> PersonalId | None:
    """What a 12-digit personal ID tells (province, sex, birth year), or None if it cannot be one."""
    if len(number) != 12 or not number.isdigit():
        return None
    province = int(number[:3])
    if not 1 <= province <= MAX_PROVINCE:
        return None
    gender = int(number[3])
    return PersonalId(
        province=province,
        male=gender % 2 == 0,
        birth_year=FIRST_CENTURY + 100 * (gender // 2) + int(number[4:6]),
    )


def personal_id_fits(
    number: str, *, birth_year: int | None = None, male: bool | None = None
) -> bool:
    """A well-formed personal ID that agrees with the birth year and sex printed beside it."""
    parsed = parse_personal_id(number)
    if parsed is None:
        return False
    if birth_year is not None and parsed.birth_year != birth_year:
        return False
    return male is None or parsed.male == male


def personal_id_digits(birth_year: int, male: bool) -> str:
    """The century/sex digit and two year digits for a person (positions 4–6 of the ID)."""
    if not FIRST_CENTURY <= birth_year < LAST_CENTURY + 100:
        raise ValueError(f"no century digit for {birth_year}")
    century = (birth_year - FIRST_CENTURY) // 100
    return f"{2 * century + (0 if male else 1)}{birth_year % 100:02d}"


def enterprise_check_digit(first_nine: str) -> int | None:
    """The tenth digit of an enterprise code; None where no valid code starts so."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    remainder = total % 11
    return None if remainder == 0 else 10 - remainder


def enterprise_code_valid(code: str) -> bool:
    """10 digits (a branch's `-NNN` suffix allowed) whose last digit checks."""
    head = code.split("-", 1)[0]
    if len(head) != 10 or not head.isdigit():
        return False
    if "-" in code and not (len(code) == 14 and code[11:].isdigit()):
        return False
    return enterprise_check_digit(head[:9]) == int(head[9])
