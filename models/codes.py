"""Shapes of the codes the one-stop system hands us (design.md §5), checked before anything is stored.

We validate shape, not existence: the one-stop system issued the code, we only refuse typos.
Digits are ASCII digits: `\\d` would also take "０１０１" (full width) or Arabic-Indic digits,
which `int()` reads as numbers, so a code could look like another and pass every check; and a
pattern must match the whole string (`fullmatch`: `$` lets a trailing newline through).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from models.errors import InvalidCode

# V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX (Decree 61/2018 art. 26; Circular 01/2018/TT-VPCP art. 19)
_DOSSIER_CODE = re.compile(
    r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}-([0-9]{2})([0-9]{2})([0-9]{2})-[0-9]{4}"
)
_PROCEDURE_CODE = re.compile(r"[1-3]\.[0-9]{6}")
_PERSONAL_ID = re.compile(r"[0-9]{12}")

# Province codes of the personal ID run 001..096 (Circular 59/2021/TT-BCA annex).
_MAX_PROVINCE = 96


def check_dossier_code(code: str) -> str:
    """Return the dossier code if it has the shape of a receipt code, else raise InvalidCode."""
    match = _DOSSIER_CODE.fullmatch(code)
    if match is None:
        raise InvalidCode(
            "Mã hồ sơ không đúng định dạng (ví dụ 000.00.01.H29-240115-0001)",
            detail={"field": "code", "value": code},
        )
    yy, mm, dd = (int(group) for group in match.groups())
    try:
        date(2000 + yy, mm, dd)
    except ValueError as exc:
        raise InvalidCode(
            "Ngày tiếp nhận trong mã hồ sơ không hợp lệ",
            detail={"field": "code", "value": code},
        ) from exc
    return code


def received_on(dossier_code: str) -> date:
    """The receipt date printed in a dossier code (YYMMDD after the agency code).

    Reports count a dossier in the period it was received, which the code says, not in the one
    it was entered in sohoa: a backfiled 2019 dossier belongs to 2019's figures.
    """
    yymmdd = check_dossier_code(dossier_code).split("-")[1]
    return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))


def check_procedure_code(code: str) -> str:
    """Return the procedure code (mã TTHC, e.g. 1.001193) or raise InvalidCode."""
    if _PROCEDURE_CODE.fullmatch(code) is None:
        raise InvalidCode(
            "Mã thủ tục hành chính không đúng định dạng (ví dụ 1.001193)",
            detail={"field": "procedure_code", "value": code},
        )
    return code


def check_personal_id(number: str) -> str:
    """Return a 12-digit personal ID (số định danh cá nhân) or raise InvalidCode.

    The old 9-digit CMND is a different number, not an identifier of the person, so a dossier is
    keyed by the 12-digit one only.
    """
    if _PERSONAL_ID.fullmatch(number) is None:
        raise InvalidCode(
            "Số định danh cá nhân phải gồm 12 chữ số",
            detail={"field": "applicant_id", "value": number},
        )
    province = int(number[:3])
    if not 1 <= province <= _MAX_PROVINCE:
        raise InvalidCode(
            "Mã tỉnh trong số định danh cá nhân không hợp lệ (001–096)",
            detail={"field": "applicant_id", "value": number},
        )
    return number


_OWNER_ID = re.compile(r"[0-9]{12}|[0-9]{9}|[0-9]{10}(?:-[0-9]{3})?")


def check_owner_id(value: str) -> str:
    """Whose paper it is: a 12-digit personal ID (checked like an applicant's), an old 9-digit
    CMND, or an enterprise code (10 digits, `-NNN` for a branch)."""
    if _OWNER_ID.fullmatch(value) is None:
        raise InvalidCode(
            "Mã chủ sở hữu phải là số định danh (12 số), CMND (9 số) hoặc mã số doanh nghiệp",
            detail={"field": "owner_id", "value": value},
        )
    return check_personal_id(value) if len(value) == 12 else value


def agency_of(dossier_code: str) -> str:
    """The receiving agency's code, the part of a dossier code before the receipt date.

    `000.00.01.H29-240115-0001` was received by agency `000.00.01.H29`: agency scoping needs no
    column the one-stop system did not already give us.
    """
    return check_dossier_code(dossier_code).split("-", 1)[0]


_AGENCY_CODE = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")


def check_agency_code(code: str) -> str:
    if _AGENCY_CODE.fullmatch(code) is None:
        raise InvalidCode(
            "Mã cơ quan không đúng định dạng (ví dụ 000.00.01.H29)",
            detail={"field": "agency_code", "value": code},
        )
    return code


# Unicode categories a name never holds: controls, format characters (zero-width spaces and
# joiners, the bidi marks, embeddings, overrides and isolates that reorder what a screen shows,
# the BOM, soft hyphens), line and paragraph separators, private use, unassigned, surrogates.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_name(value: str, field: str) -> str:
    """A person's or an agency's name as stored: NFC, single spaces, nothing invisible.

    An invisible or reordering character makes two names that look alike differ (one citizen
    filed twice, a search that misses) or one that looks harmless read otherwise on screen.
    """
    name = unicodedata.normalize("NFC", " ".join(value.split()))
    bad = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in _NOT_IN_NAMES})
    if bad:
        raise InvalidCode(
            "Tên chứa ký tự điều khiển hoặc ký tự ẩn", detail={"field": field, "characters": bad}
        )
    return name
