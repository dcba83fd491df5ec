"""Generated dossiers for search tests and benchmarks: Vietnamese names, ID numbers, codes,
addresses, and pages of legal prose from the corpus sample. Seeded: the same seed, the same
dossiers, so a relevance figure can be compared between runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from synth.corpus import paragraphs

FAMILY = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
)  # fmt: skip
MIDDLE = (
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Xuân", "Thu", "Hoài", "Kim",
)  # fmt: skip
GIVEN = (
    "An", "Ân", "Bình", "Cường", "Dũng", "Hà", "Hạ", "Hải", "Hạnh", "Hòa", "Hùng", "Hương",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Phúc", "Phương", "Quân", "Sơn", "Tâm",
    "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Đạt", "Đông", "Thủy", "Khánh", "Lộc", "Nhung",
)  # fmt: skip
STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ",
    "Phan Đình Phùng", "Quang Trung", "Bạch Đằng", "Hùng Vương", "Đinh Tiên Hoàng", "Võ Thị Sáu",
)  # fmt: skip
WARDS = (
    "Bến Thành", "Đa Kao", "Tân Định", "Phúc Xá", "Hàng Bạc", "Cửa Nam", "Thạch Thang",
    "Hải Châu", "Vĩnh Ninh", "An Hội", "Xuân Hòa", "Đông Ba",
)  # fmt: skip
AGENCIES = ("000.00.01.H29", "000.00.02.H29", "000.00.07.H56")
PROCEDURES = ("1.001193", "1.000894", "2.000528", "1.004227", "1.003583")
KINDS = (
    ("birth_certificate", "GIẤY KHAI SINH"),
    ("id_card", "CĂN CƯỚC CÔNG DÂN"),
    ("application_form", "TỜ KHAI ĐĂNG KÝ"),
    ("land_use_certificate", "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"),
    ("marriage_certificate", "GIẤY CHỨNG NHẬN KẾT HÔN"),
)


@dataclass(frozen=True)
class SynthPaper:
    kind: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class SynthDossier:
    code: str
    agency: str
    procedure: str
    applicant_name: str
    applicant_id: str
    address: str
    received_at: datetime
    papers: tuple[SynthPaper, ...]


def name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def personal_id(rng: random.Random) -> str:
    """12 digits: province 001–096, century/sex digit (1900s: 0/1, 2000s: 2/3), year, serial."""
    born = rng.randint(1950, 2010)
    century = (0 if born < 2000 else 2) + rng.randint(0, 1)
    return f"{rng.randint(1, 96):03d}{century}{born % 100:02d}{rng.randint(0, 999_999):06d}"


def address(rng: random.Random) -> str:
    return f"số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, phường {rng.choice(WARDS)}"


def page_text(rng: random.Random, target_chars: int) -> str:
    """Corpus paragraphs until about `target_chars` (a scanned page is ~1–2 KB of text)."""
    corpus = paragraphs()
    parts: list[str] = []
    size = 0
    while size < target_chars:
        paragraph = corpus[rng.randrange(len(corpus))]
        parts.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(parts)


def dossiers(count: int, *, seed: int, page_chars: int = 1400) -> Iterator[SynthDossier]:
    """`count` dossiers of 1–3 papers of 1–3 pages; the first page of a paper names its owner."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    for index in range(count):
        # 200 dossiers a day, whatever the count: the first dossiers are the same in every run
        received = start + timedelta(days=index // 200, minutes=index % 200)
        agency = AGENCIES[index % len(AGENCIES)]
        applicant, number, home = name(rng), personal_id(rng), address(rng)
        papers = []
        for _ in range(rng.randint(1, 3)):
            kind, title = rng.choice(KINDS)
            first = (
                f"{title}\nHọ và tên: {applicant.upper()}\nSố định danh cá nhân: {number}\n"
                f"Nơi thường trú: {home}\n" + page_text(rng, page_chars - 150)
            )
            rest = [page_text(rng, page_chars) for _ in range(rng.randint(0, 2))]
            papers.append(SynthPaper(kind, (first, *rest)))
        yield SynthDossier(
            code=f"{agency}-{received:%y%m%d}-{index % 10_000:04d}",
            agency=agency,
            procedure=PROCEDURES[rng.randrange(len(PROCEDURES))],
            applicant_name=applicant,
            applicant_id=number,
            address=home,
            received_at=received,
            papers=tuple(papers),
        )
