"""Generated papers of every kind, with their labels (kind and the key fields' expected values)
as ground truth for the classifier and field extraction (bench/papers.py, tests).

The templates are our own, after the public forms (Circular 04/2020/TT-BTP civil status papers,
Decree 30/2020 documents, the CCCD and the 2024 Căn cước card, land-use and enterprise
certificates): same titles, labels and places of things, values random but valid.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from models.extraction import FieldName
from models.kinds import DocumentKind
from synth import people
from synth.cards import id_card, id_card_old, sex
from synth.corpus import pick
from synth.render import MOTTO
from synth.sheet import LabelledPaper, Sheet

F = FieldName


def _agency(rng: random.Random) -> tuple[str, str]:
    return "ỦY BAN NHÂN DÂN", f"XÃ {rng.choice(people.COMMUNES).upper()}"


def _signature(sheet: Sheet, rng: random.Random, roles: tuple[str, ...]) -> str:
    signer = people.person(rng, born_from=1960, born_to=1985).title_name
    for role in roles:
        sheet.right_block(role, bold=True)
    sheet.gap(2.5)
    sheet.right_block(signer, bold=True)
    return signer


def _civil_header(sheet: Sheet, rng: random.Random, number: str) -> tuple[str, str]:
    agency = _agency(rng)
    sheet.header(agency[0], MOTTO[0])
    sheet.header(agency[1], MOTTO[1], bold_left=True)
    sheet.header(f"Số: {number}", bold_left=False)
    sheet.gap(0.5)
    return agency


def _place_date(sheet: Sheet, day: date, place: str) -> None:
    sheet.right_block(f"{place}, {people.spelled(day)}")


def _person_rows(p: people.Person, name_label: str = "Họ, chữ đệm, tên") -> list[str]:
    return [
        f"{name_label}: {p.name}",
        f"Ngày, tháng, năm sinh: {people.numeric(p.born)}",
        f"Giới tính: {sex(p)}     Dân tộc: Kinh     Quốc tịch: Việt Nam",
    ]


def _civil_fields(
    p: people.Person, number: str, day: date, agency: tuple[str, str]
) -> dict[F, str]:
    return {
        F.NUMBER_SYMBOL: number,
        F.FULL_NAME: p.name,
        F.DATE_OF_BIRTH: p.born.isoformat(),
        F.SEX: "male" if p.male else "female",
        F.PERSONAL_ID: p.personal_id,
        F.ISSUE_DATE: day.isoformat(),
        F.ISSUER: " ".join(agency),
    }


def birth_certificate(rng: random.Random) -> LabelledPaper:
    child = people.person(rng, born_from=2016, born_to=2025)
    mother = people.person(rng, born_from=1985, born_to=2000)
    father = people.person(rng, born_from=1980, born_to=2000)
    number, day = str(rng.randrange(1, 400)), people.some_date(rng, child.born, date(2026, 6, 1))
    sheet = Sheet()
    agency = _civil_header(sheet, rng, number)
    sheet.centre(rng.choice(("GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH")), scale=1.3)
    sheet.gap(0.5)
    place = people.PROVINCES[child.province]
    for row in (
        *_person_rows(child),
        f"Nơi sinh: Bệnh viện Đa khoa {place}",
        f"Quê quán: {rng.choice(people.COMMUNES)}, {place}",
        f"Số định danh cá nhân: {child.personal_id}",
        f"Họ, chữ đệm, tên người mẹ: {mother.name}",
        f"Năm sinh: {mother.born.year}     Dân tộc: Kinh     Quốc tịch: Việt Nam",
        f"Họ, chữ đệm, tên người cha: {father.name}",
        f"Năm sinh: {father.born.year}     Dân tộc: Kinh     Quốc tịch: Việt Nam",
        f"Người đi khai sinh: {father.title_name}, quan hệ với người được khai sinh: cha",
    ):
        sheet.text(row)
    sheet.gap()
    _place_date(sheet, day, agency[1][3:].title())
    _signature(sheet, rng, ("CHỦ TỊCH",))
    return LabelledPaper(
        DocumentKind.BIRTH_CERTIFICATE, _civil_fields(child, number, day, agency), sheet.page()
    )


def death_extract(rng: random.Random) -> LabelledPaper:
    p = people.person(rng, born_from=1930, born_to=1975)
    died = people.some_date(rng, date(2020, 1, 1), date(2025, 12, 31))
    number, day = str(rng.randrange(1, 200)), people.some_date(rng, died, date(2026, 3, 1))
    sheet = Sheet()
    agency = _civil_header(sheet, rng, number)
    sheet.centre("TRÍCH LỤC KHAI TỬ", scale=1.3)
    sheet.gap(0.5)
    for row in (
        *_person_rows(p),
        f"Số định danh cá nhân: {p.personal_id}",
        f"Nơi cư trú cuối cùng: {rng.choice(people.COMMUNES)}, {people.PROVINCES[p.province]}",
        f"Đã chết vào lúc: {rng.randrange(24)} giờ {rng.randrange(60)} phút, "
        f"ngày {people.numeric(died)}",
        f"Nơi chết: {rng.choice(people.COMMUNES)}, {people.PROVINCES[p.province]}",
        "Nguyên nhân chết: Bệnh",
        f"Người đi khai tử: {people.person(rng).title_name}",
    ):
        sheet.text(row)
    sheet.gap()
    _place_date(sheet, day, agency[1][3:].title())
    _signature(sheet, rng, ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
    return LabelledPaper(
        DocumentKind.DEATH_EXTRACT, _civil_fields(p, number, day, agency), sheet.page()
    )


def marriage_certificate(rng: random.Random) -> LabelledPaper:
    husband = people.person(rng, born_from=1970, born_to=2002)
    wife = people.person(rng, born_from=1972, born_to=2004)
    number, day = (
        str(rng.randrange(1, 150)),
        people.some_date(rng, date(2022, 1, 1), date(2026, 6, 1)),
    )
    sheet = Sheet()
    agency = _civil_header(sheet, rng, number)
    sheet.centre("GIẤY CHỨNG NHẬN KẾT HÔN", scale=1.3)
    sheet.gap(0.5)
    for who, p in (("chồng", husband), ("vợ", wife)):
        sheet.text(f"Thông tin về {who}:")
        for row in _person_rows(p):
            sheet.text(row)
        sheet.text(f"Số định danh cá nhân: {p.personal_id}")
    sheet.text(f"Ngày đăng ký: {people.numeric(day)}")
    sheet.text("Chữ ký của chồng                    Chữ ký của vợ")
    sheet.gap()
    _place_date(sheet, day, agency[1][3:].title())
    _signature(sheet, rng, ("CHỦ TỊCH",))
    return LabelledPaper(
        DocumentKind.MARRIAGE_CERTIFICATE,
        {F.NUMBER_SYMBOL: number, F.ISSUE_DATE: day.isoformat(), F.ISSUER: " ".join(agency)},
        sheet.page(),
    )


LAND_TITLES = (
    ("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT"),
    ("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"),
    ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT,", "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"),
    ("GIẤY CHỨNG NHẬN", "QUYỀN SỞ HỮU NHÀ Ở VÀ QUYỀN SỬ DỤNG ĐẤT Ở"),
)


def land_use_certificate(rng: random.Random) -> LabelledPaper:
    p = people.person(rng, born_from=1950, born_to=1995)
    plot, sheet_no = str(rng.randrange(1, 900)), str(rng.randrange(1, 80))
    book = f"{rng.choice(('CS', 'CH', 'CT'))}{rng.randrange(10**5):05d}"
    day = people.some_date(rng, date(2015, 1, 1), date(2026, 6, 1))
    sheet = Sheet()
    sheet.centre(MOTTO[0])
    sheet.centre(MOTTO[1], bold=False)
    sheet.gap(0.5)
    for line in rng.choice(LAND_TITLES):
        sheet.centre(line, scale=1.15)
    sheet.gap(0.5)
    honorific = "Ông" if p.male else "Bà"
    for row in (
        "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
        f"{honorific}: {p.name}, năm sinh: {p.born.year}, CCCD số: {p.personal_id}",
        f"Địa chỉ thường trú: {rng.choice(people.COMMUNES)}, {people.PROVINCES[p.province]}",
        "2. Thửa đất:",
        f"a) Thửa đất số: {plot}     b) Tờ bản đồ số: {sheet_no}",
        f"c) Diện tích: {rng.randrange(40, 900)} m²",
        "d) Mục đích sử dụng: Đất ở tại nông thôn",
        "đ) Thời hạn sử dụng: Lâu dài",
    ):
        sheet.text(row)
    sheet.gap()
    _place_date(sheet, day, rng.choice(people.DISTRICTS))
    _signature(sheet, rng, ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"))
    sheet.gap()
    sheet.text(f"Số vào sổ cấp Giấy chứng nhận: {book}")
    return LabelledPaper(
        DocumentKind.LAND_USE_CERTIFICATE,
        {
            F.NUMBER_SYMBOL: book,
            F.LAND_PLOT: plot,
            F.MAP_SHEET: sheet_no,
            F.FULL_NAME: p.name,
            F.PERSONAL_ID: p.personal_id,
            F.ISSUE_DATE: day.isoformat(),
        },
        sheet.page(),
    )


def enterprise_registration(rng: random.Random) -> LabelledPaper:
    code, name = people.enterprise_code(rng), people.company(rng)
    first = people.some_date(rng, date(2010, 1, 1), date(2025, 12, 31))
    city = rng.choice(("HÀ NỘI", "HỒ CHÍ MINH", "ĐÀ NẴNG", "HẢI PHÒNG"))
    agency = ("SỞ KẾ HOẠCH VÀ ĐẦU TƯ", f"THÀNH PHỐ {city}", "PHÒNG ĐĂNG KÝ KINH DOANH")
    sheet = Sheet(font_pt=11)
    sheet.header(agency[0], MOTTO[0])
    sheet.header(agency[1], MOTTO[1])
    sheet.header(agency[2])
    sheet.gap()
    sheet.centre("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", scale=1.15)
    sheet.centre("CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN")
    sheet.gap(0.5)
    director = people.person(rng, born_from=1960, born_to=1995)
    for row in (
        f"Mã số doanh nghiệp: {code}",
        f"Đăng ký lần đầu: {people.spelled(first)}",
        "1. Tên công ty",
        f"Tên công ty viết bằng tiếng Việt: {name}",
        f"2. Địa chỉ trụ sở chính: Số {rng.randrange(1, 300)} phố {rng.choice(people.COMMUNES)}",
        f"3. Vốn điều lệ: {rng.randrange(1, 50)}.000.000.000 đồng",
        f"4. Người đại diện theo pháp luật của công ty: {director.name}",
        "Chức danh: Giám đốc",
    ):
        sheet.text(row)
    return LabelledPaper(
        DocumentKind.ENTERPRISE_REGISTRATION,
        {
            F.ENTERPRISE_CODE: code,
            F.FULL_NAME: name,
            F.ISSUE_DATE: first.isoformat(),
            F.ISSUER: " ".join(agency),
        },
        sheet.page(),
    )


APPLICATION_TITLES = (
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
    "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
    "ĐƠN ĐỀ NGHỊ XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
)


def application_form(rng: random.Random) -> LabelledPaper:
    p = people.person(rng, born_from=1955, born_to=2004)
    day = people.some_date(rng, date(2022, 1, 1), date(2026, 6, 1))
    commune = rng.choice(people.COMMUNES)
    sheet = Sheet()
    sheet.centre(MOTTO[0])
    sheet.centre(MOTTO[1], bold=False)
    sheet.gap()
    sheet.centre(rng.choice(APPLICATION_TITLES), scale=1.15)
    sheet.gap(0.5)
    for row in (
        f"Kính gửi: Ủy ban nhân dân xã {commune}",
        f"Họ, chữ đệm, tên người yêu cầu: {p.name}",
        f"Ngày, tháng, năm sinh: {people.numeric(p.born)}",
        f"Giới tính: {sex(p)}",
        f"Số định danh cá nhân: {p.personal_id}",
        f"Nơi cư trú: {commune}, {people.PROVINCES[p.province]}",
        "Đề nghị cơ quan có thẩm quyền giải quyết yêu cầu nêu trên.",
        "Tôi cam đoan nội dung đề nghị trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật.",
    ):
        sheet.text(row)
    sheet.gap()
    _place_date(sheet, day, commune)
    sheet.right_block("Người yêu cầu", bold=True)
    sheet.gap(2)
    sheet.right_block(p.title_name)
    return LabelledPaper(
        DocumentKind.APPLICATION_FORM,
        {
            F.FULL_NAME: p.name,
            F.DATE_OF_BIRTH: p.born.isoformat(),
            F.SEX: "male" if p.male else "female",
            F.PERSONAL_ID: p.personal_id,
            F.ISSUE_DATE: day.isoformat(),
        },
        sheet.page(),
    )


DOCUMENT_TYPES = (
    ("QUYẾT ĐỊNH", "QĐ"),
    ("THÔNG BÁO", "TB"),
    ("BÁO CÁO", "BC"),
    ("TỜ TRÌNH", "TTr"),
    ("KẾ HOẠCH", "KH"),
)


def administrative_document(rng: random.Random) -> LabelledPaper:
    title, short = rng.choice(DOCUMENT_TYPES)
    district = rng.choice(people.DISTRICTS)
    agency = ("ỦY BAN NHÂN DÂN", f"HUYỆN {district.upper()}")
    number = f"{rng.randrange(1, 900)}/{short}-UBND"
    day = people.some_date(rng, date(2018, 1, 1), date(2026, 6, 1))
    sheet = Sheet()
    sheet.header(agency[0], MOTTO[0])
    sheet.header(agency[1], MOTTO[1])
    sheet.gap(0.3)
    sheet.header(f"Số: {number}", f"{district}, {people.spelled(day)}", bold_left=False)
    sheet.gap()
    sheet.centre(title, scale=1.15)
    sheet.centre(
        "Về việc triển khai số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", bold=False
    )
    sheet.gap(0.5)
    for paragraph in pick(3, seed=rng.randrange(10**6)):
        sheet.text(paragraph[:300])
    sheet.gap()
    y = sheet.y
    sheet.text("Nơi nhận:")
    sheet.text("- Như trên;")
    sheet.text("- Lưu: VT.")
    sheet.y = y
    signer = _signature(sheet, rng, ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"))
    return LabelledPaper(
        DocumentKind.ADMINISTRATIVE_DOCUMENT,
        {
            F.NUMBER_SYMBOL: number,
            F.ISSUE_DATE: day.isoformat(),
            F.ISSUER: " ".join(agency),
            F.SIGNER: signer,
        },
        sheet.page(),
    )


def other_paper(rng: random.Random) -> LabelledPaper:
    """Not a kind we know: a contract or a receipt, with ordinary text and no known title."""
    sheet = Sheet()
    sheet.centre(MOTTO[0])
    sheet.centre(MOTTO[1], bold=False)
    sheet.gap()
    sheet.centre(rng.choice(("HỢP ĐỒNG THUÊ NHÀ", "BIÊN NHẬN TIỀN", "GIẤY ỦY QUYỀN")), scale=1.15)
    for paragraph in pick(4, seed=rng.randrange(10**6)):
        sheet.text(paragraph[:300])
    return LabelledPaper(DocumentKind.OTHER, {}, sheet.page())


GENERATORS: dict[DocumentKind, Callable[[random.Random], LabelledPaper]] = {
    DocumentKind.ID_CARD_OLD: id_card_old,
    DocumentKind.ID_CARD: id_card,
    DocumentKind.BIRTH_CERTIFICATE: birth_certificate,
    DocumentKind.MARRIAGE_CERTIFICATE: marriage_certificate,
    DocumentKind.DEATH_EXTRACT: death_extract,
    DocumentKind.LAND_USE_CERTIFICATE: land_use_certificate,
    DocumentKind.ENTERPRISE_REGISTRATION: enterprise_registration,
    DocumentKind.APPLICATION_FORM: application_form,
    DocumentKind.ADMINISTRATIVE_DOCUMENT: administrative_document,
    DocumentKind.OTHER: other_paper,
}


def paper(kind: DocumentKind, seed: int) -> LabelledPaper:
    """A paper of `kind`, the same one for the same seed."""
    return GENERATORS[kind](random.Random(f"{kind}:{seed}"))
