"""Random but valid values for generated papers: names, personal IDs with the right province and
century/sex digits, enterprise codes with their check digit, places, agencies, dates."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ocr.papers.ids import enterprise_check_digit, personal_id_digits

SURNAMES: tuple[str, ...] = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ")
SURNAMES += ("Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Minh", "Thanh", "Bảo", "Kim", "Hồng")
GIVEN_MALE: tuple[str, ...] = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Long",
    "Nam",
    "Phong",
    "Quang",
)
GIVEN_MALE += ("Sơn", "Tuấn", "Thắng", "Việt", "Khánh", "Trung")
GIVEN_FEMALE: tuple[str, ...] = (
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Phương",
    "Tâm",
)
GIVEN_FEMALE += ("Thảo", "Trang", "Vân", "Yến", "Nhung", "Huyền")

PROVINCES = {
    "001": "Hà Nội",
    "031": "Hải Phòng",
    "036": "Nam Định",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "079": "Hồ Chí Minh",
    "089": "An Giang",
    "092": "Cần Thơ",
}
COMMUNES = ("An Bình", "Tân Lập", "Hòa Phú", "Phú Thượng", "Đông Anh", "Kim Long", "Yên Hòa")
DISTRICTS = ("Gia Lâm", "Thanh Trì", "Sóc Sơn", "Hòa Vang", "Phong Điền", "Cẩm Lệ", "Bình Chánh")
TRADES = ("THƯƠNG MẠI", "XÂY DỰNG", "DỊCH VỤ", "CÔNG NGHỆ", "VẬN TẢI", "THỰC PHẨM")
BRANDS = ("AN PHÁT", "HÒA BÌNH", "MINH KHANG", "SAO VIỆT", "THÀNH CÔNG", "TÂN TIẾN", "ĐẠI NAM")


@dataclass(frozen=True)
class Person:
    name: str
    """As printed on papers: in capitals."""
    born: date
    male: bool
    personal_id: str
    province: str

    @property
    def title_name(self) -> str:
        return " ".join(w.capitalize() for w in self.name.split())


def some_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def person(rng: random.Random, *, born_from: int = 1950, born_to: int = 2005) -> Person:
    male = rng.random() < 0.5
    middle, given = (MIDDLE_MALE, GIVEN_MALE) if male else (MIDDLE_FEMALE, GIVEN_FEMALE)
    name = f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}".upper()
    born = some_date(rng, date(born_from, 1, 1), date(born_to, 12, 28))
    province = rng.choice(list(PROVINCES))
    number = province + personal_id_digits(born.year, male) + f"{rng.randrange(10**6):06d}"
    return Person(name, born, male, number, province)


def enterprise_code(rng: random.Random) -> str:
    while True:
        head = rng.choice(("01", "02", "03", "04", "05")) + f"{rng.randrange(10**7):07d}"
        check = enterprise_check_digit(head)
        if check is not None:
            return f"{head}{check}"


def company(rng: random.Random) -> str:
    return f"CÔNG TY TNHH {rng.choice(TRADES)} {rng.choice(BRANDS)}"


def spelled(day: date) -> str:
    """ngày 05 tháng 3 năm 2021, the way the place-date line prints it."""
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


def numeric(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def card_expiry(born: date, issued: date) -> date | None:
    """A citizen's card runs to the birthday at 25, 40 or 60 after issue; none after 60."""
    for age in (25, 40, 60):
        if born.year + age > issued.year + 2:
            return born.replace(year=born.year + age)
    return None
