"""Generated citizen's cards: the Căn cước công dân (2016–2024) and the Căn cước (from July
2024), front and back on one page, with their labels."""

from __future__ import annotations

import random
from datetime import date

from models.extraction import FieldName
from models.kinds import DocumentKind
from synth import people
from synth.render import MOTTO
from synth.sheet import LabelledPaper, Sheet

F = FieldName


def sex(p: people.Person) -> str:
    return "Nam" if p.male else "Nữ"


def _card(
    rng: random.Random, born_to: int, issued: tuple[date, date], title: str, subtitle: str
) -> tuple[people.Person, date, date | None, Sheet]:
    """The front of a citizen's card up to its title: the holder, issue and expiry dates."""
    p = people.person(rng, born_from=1950, born_to=born_to)
    day = people.some_date(rng, *issued)
    expiry = people.card_expiry(p.born, day)
    sheet = Sheet(font_pt=12)
    for line in (*MOTTO, "SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness"):
        sheet.centre(line, bold=line.isupper(), scale=0.9)
    sheet.centre(title, scale=1.4)
    sheet.centre(subtitle, bold=False)
    return p, day, expiry, sheet


def _card_paper(
    kind: DocumentKind, p: people.Person, issued: date, expiry: date | None, sheet: Sheet
) -> LabelledPaper:
    return LabelledPaper(
        kind,
        {
            F.PERSONAL_ID: p.personal_id,
            F.FULL_NAME: p.name,
            F.DATE_OF_BIRTH: p.born.isoformat(),
            F.SEX: "male" if p.male else "female",
            F.ISSUE_DATE: issued.isoformat(),
            F.VALID_UNTIL: expiry.isoformat() if expiry else "permanent",
            F.ISSUER: "Bộ Công an"
            if kind is DocumentKind.ID_CARD
            else "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        },
        sheet.page(),
    )


def _expiry(expiry: date | None) -> str:
    return people.numeric(expiry) if expiry else "Không thời hạn"


def id_card_old(rng: random.Random) -> LabelledPaper:
    """Căn cước công dân (2016–2024): front and back on one page."""
    span = (date(2021, 1, 1), date(2024, 6, 30))
    p, issued, expiry, sheet = _card(rng, 2003, span, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card")
    place = people.PROVINCES[p.province]
    for row in (
        f"Số / No.: {p.personal_id}",
        f"Họ và tên / Full name: {p.name}",
        f"Ngày sinh / Date of birth: {people.numeric(p.born)}",
        f"Giới tính / Sex: {sex(p)}     Quốc tịch / Nationality: Việt Nam",
        f"Quê quán / Place of origin: {rng.choice(people.COMMUNES)}, {place}",
        f"Nơi thường trú / Place of residence: {rng.choice(people.COMMUNES)}, {place}",
        f"Có giá trị đến / Date of expiry: {_expiry(expiry)}",
    ):
        sheet.text(row)
    sheet.gap(2)
    sheet.text("Đặc điểm nhân dạng / Personal identification: Nốt ruồi cách 2 cm trên mép phải")
    sheet.text(f"Ngày, tháng, năm / Date, month, year: {people.numeric(issued)}")
    sheet.centre("CỤC TRƯỞNG CỤC CẢNH SÁT", scale=0.9)
    sheet.centre("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", scale=0.9)
    return _card_paper(DocumentKind.ID_CARD_OLD, p, issued, expiry, sheet)


def id_card(rng: random.Random) -> LabelledPaper:
    """Căn cước (from 1 July 2024)."""
    span = (date(2024, 7, 1), date(2026, 6, 30))
    p, issued, expiry, sheet = _card(rng, 2010, span, "CĂN CƯỚC", "IDENTITY CARD")
    place = people.PROVINCES[p.province]
    for row in (
        f"Số định danh cá nhân / Personal identification number: {p.personal_id}",
        f"Họ, chữ đệm và tên khai sinh / Full name: {p.name}",
        f"Ngày, tháng, năm sinh / Date of birth: {people.numeric(p.born)}",
        f"Giới tính / Sex: {sex(p)}     Quốc tịch / Nationality: Việt Nam",
    ):
        sheet.text(row)
    sheet.gap(2)
    for row in (
        f"Nơi cư trú / Place of residence: {rng.choice(people.COMMUNES)}, {place}",
        f"Nơi đăng ký khai sinh / Place of birth: {rng.choice(people.COMMUNES)}, {place}",
        f"Ngày, tháng, năm cấp / Date of issue: {people.numeric(issued)}",
        f"Ngày, tháng, năm hết hạn / Date of expiry: {_expiry(expiry)}",
    ):
        sheet.text(row)
    sheet.centre("BỘ CÔNG AN", scale=0.9)
    return _card_paper(DocumentKind.ID_CARD, p, issued, expiry, sheet)
