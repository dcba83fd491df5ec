"""Ruled forms and tables: a two-column form (labels left, values right, each row a ruled cell)
and an annex-style table with multi-line cells and merged cells, their ground truth read row by
row and each row cell by cell, as a clerk reads them.

The truth also gives every cell's row, column, spans and box, so a test can check the grid a
reader finds, not only its text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from synth import people
from synth.admin import FACES
from synth.corpus import pick
from synth.render import A4_MM, FONT_DIR, MOTTO, RenderedPage, wrap


@dataclass(frozen=True)
class Cell:
    """A cell as drawn: where it sits in the grid, its box in page pixels, its text's lines."""

    row: int
    column: int
    row_span: int
    column_span: int
    box: tuple[int, int, int, int]
    """left, top, width, height in the page's pixels (between the centres of its rules)."""
    lines: tuple[str, ...]


@dataclass(frozen=True)
class TablePage(RenderedPage):
    """A rendered page with one ruled table; `text` reads it row by row, cell by cell."""

    cells: tuple[Cell, ...]
    rows: int
    columns: int


@dataclass(frozen=True)
class Spec:
    """A cell to lay out: its place in the grid and its text (wrapped to the cell's width)."""

    row: int
    column: int
    text: str
    row_span: int = 1
    column_span: int = 1
    bold: bool = False
    align: Literal["left", "centre"] = "left"


FORM_TITLES = (
    "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
    "PHIẾU THÔNG TIN CÔNG DÂN",
    "TỜ KHAI CĂN CƯỚC",
    "PHIẾU ĐĂNG KÝ THÔNG TIN NGƯỜI NỘP HỒ SƠ",
)
AGENCIES = (
    "Bộ Công an",
    "Bộ Tư pháp",
    "Bộ Tài chính",
    "Bộ Quốc phòng",
    "Bộ Ngoại giao",
    "Bộ Nội vụ",
    "Ngân hàng Nhà nước Việt Nam",
    "Thanh tra Chính phủ",
    "Văn phòng Chính phủ",
    "Các bộ, ngành liên quan",
    "Ủy ban nhân dân cấp tỉnh",
    "Đề nghị Tòa án nhân dân tối cao",
)
DEADLINES = ("6/2027", "12/2027", "Liên tục", "Hằng năm", "Quý IV/2026", "12/2028")
SECTIONS = (
    "Hoàn thiện khuôn khổ pháp lý",
    "Nâng cao hiệu quả phối hợp liên ngành",
    "Tăng cường năng lực các cơ quan thực thi",
)
_MARKER = re.compile(r"^\s*(\d+\.|[a-zđ]\))\s+")
ANNEX_HEADER = (
    "STT",
    "Nội dung hành động",
    "Hành động cụ thể",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn hoàn thành",
)


def ruled_form(seed: int, *, dpi: int = 300) -> TablePage:
    """A portrait A4 form: motto (with its short underline), title, then a two-column ruled
    table of labels and values, then place, date and the signer's line (a rule, no table)."""
    rng = random.Random(seed)
    regular, bold = (FONT_DIR / name for name in FACES[rng.randrange(len(FACES))])
    px = dpi / 25.4
    size = round(rng.choice((11.0, 12.0, 13.0)) * dpi / 72)
    face, heavy = ImageFont.truetype(str(regular), size), ImageFont.truetype(str(bold), size)
    width, height = (round(mm * px) for mm in A4_MM)
    left, right = round(25 * px), width - round(20 * px)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    line = round(size * 1.45)
    truth: list[str] = []
    y = round(18 * px)
    for text, font in ((MOTTO[0], heavy), (MOTTO[1], heavy)):
        x = (width - font.getlength(text)) / 2
        draw.text((x, y), text, font=font, fill="black")
        truth.append(text)
        y += line
    underline = heavy.getlength(MOTTO[1])
    _rule(draw, ((width - underline) / 2, y - line // 5), ((width + underline) / 2, y - line // 5))
    y += line
    title = rng.choice(FORM_TITLES)
    title_face = ImageFont.truetype(str(bold), round(size * 1.2))
    draw.text(((width - title_face.getlength(title)) / 2, y), title, font=title_face, fill="black")
    truth.append(title)
    y += round(line * 1.8)

    p = people.person(rng, born_from=1950, born_to=2005)
    place = people.PROVINCES[p.province]
    commune = rng.choice(people.COMMUNES)
    rows = [
        ("Họ và tên", p.name),
        ("Ngày sinh", people.numeric(p.born)),
        ("Giới tính", "Nam" if p.male else "Nữ"),
        ("Số định danh cá nhân", p.personal_id),
        ("Dân tộc", "Kinh"),
        ("Quốc tịch", "Việt Nam"),
        ("Quê quán", f"Xã {rng.choice(people.COMMUNES)}, huyện {rng.choice(people.DISTRICTS)}"),
        ("Nơi thường trú", f"Số {rng.randrange(1, 300)}, thôn {commune}, tỉnh {place}"),
        ("Nơi ở hiện tại", f"Số {rng.randrange(1, 300)} đường {rng.choice(people.COMMUNES)}"),
        ("Nghề nghiệp", rng.choice(("Công chức", "Giáo viên", "Nông dân", "Kỹ sư xây dựng"))),
        ("Số điện thoại", "09" + "".join(str(rng.randrange(10)) for _ in range(8))),
        ("Họ và tên chủ hộ", people.person(rng).name),
        ("Quan hệ với chủ hộ", rng.choice(("Chủ hộ", "Con", "Vợ", "Chồng", "Cháu"))),
        ("Nội dung đề nghị", " ".join(pick(1, seed=seed)[0].split()[: rng.randrange(12, 30)])),
    ]
    count = rng.randrange(8, len(rows) + 1)
    chosen = rows[:4] + rng.sample(rows[4:-1], count - 5) + rows[-1:]
    numbered = rng.random() < 0.5
    specs = []
    for row, (label, value) in enumerate(chosen):
        specs.append(Spec(row, 0, f"{row + 1}. {label}" if numbered else label, bold=numbered))
        specs.append(Spec(row, 1, value))
    split = rng.uniform(0.3, 0.4)
    edges = [left, round(left + split * (right - left)), right]
    cells, y = _table(draw, specs, edges, y, (face, heavy), line, pad=round(1.5 * px))
    truth += [text for cell in cells for text in cell.lines]

    y += round(line * 1.2)
    middle = round(left + 0.72 * (right - left))
    day = people.some_date(rng, date(2024, 1, 1), date(2026, 6, 1))
    signer = (f"{commune}, {people.spelled(day)}", "NGƯỜI KHAI")
    for text, font in zip(signer, (face, heavy), strict=True):
        draw.text((middle - font.getlength(text) / 2, y), text, font=font, fill="black")
        truth.append(text)
        y += line
    y += round(14 * px)
    # The line to sign on: a rule with no rule across it, which no reader may take for a table.
    _rule(draw, (middle - 30 * px, y), (middle + 30 * px, y))
    y += line // 2
    draw.text((middle - heavy.getlength(p.name) / 2, y), p.name, font=heavy, fill="black")
    truth.append(p.name)
    return TablePage(page, "\n".join(truth), dpi, cells=tuple(cells), rows=len(chosen), columns=2)


def ruled_annex(seed: int, *, dpi: int = 300) -> TablePage:
    """A landscape annex like the real ones: a centred title with its underline, then a table
    in small type whose action items span several rows (merged STT and content cells), a
    section row across the table, and multi-line cells, some centred."""
    rng = random.Random(seed)
    regular, bold = (FONT_DIR / name for name in FACES[rng.randrange(len(FACES))])
    px = dpi / 25.4
    size = round(rng.choice((9.5, 10.0, 11.0)) * dpi / 72)
    face, heavy = ImageFont.truetype(str(regular), size), ImageFont.truetype(str(bold), size)
    width, height = round(A4_MM[1] * px), round(A4_MM[0] * px)
    left, right = round(15 * px), width - round(15 * px)
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    line = round(size * 1.3)
    truth: list[str] = []
    y = round(15 * px)
    titles = ("Phụ lục", "KẾ HOẠCH HÀNH ĐỘNG THỰC HIỆN NHIỆM VỤ GIAI ĐOẠN 2026 - 2030")
    for text in titles:
        x = (width - heavy.getlength(text)) / 2
        draw.text((x, y), text, font=heavy, fill="black")
        truth.append(text)
        y += line
    _rule(draw, (width / 2 - 25 * px, y + line // 4), (width / 2 + 25 * px, y + line // 4))
    y += line * 2
    shares = (0.05, 0.29, 0.28, 0.12, 0.15, 0.11)
    total = sum(shares)
    edges = [left]
    for share in shares:
        edges.append(round(edges[-1] + share / total * (right - left)))
    edges[-1] = right
    specs = [Spec(0, c, text, bold=True, align="centre") for c, text in enumerate(ANNEX_HEADER)]
    row, item, section = 1, 1, 0
    paragraphs = iter(pick(60, seed=seed))
    bottom = height - round(15 * px)
    while True:
        group: list[Spec] = []
        heading = item == 1 or (section < len(SECTIONS) and rng.random() < 0.3)
        if heading:
            # A section heading: its numeral, then its name across the rest of the table.
            group += [
                Spec(row, 0, ("I.", "II.", "III.")[section], bold=True, align="centre"),
                Spec(row, 1, SECTIONS[section], column_span=5, bold=True),
            ]
        first = row + heading
        actions = rng.randrange(1, 4)
        group += [
            Spec(first, 0, f"{item}.", row_span=actions, align="centre"),
            Spec(first, 1, _sentence(next(paragraphs), rng, 14, 32), row_span=actions),
        ]
        for k in range(actions):
            partners = "; ".join(rng.sample(AGENCIES, rng.randrange(0, 3)))
            group += [
                Spec(first + k, 2, _sentence(next(paragraphs), rng, 10, 40)),
                Spec(first + k, 3, rng.choice(AGENCIES), align="centre"),
                Spec(first + k, 4, partners, align="centre"),
                Spec(first + k, 5, rng.choice(DEADLINES), align="centre"),
            ]
        probe = ImageDraw.Draw(Image.new("1", (1, 1)))
        _, end = _table(probe, specs + group, edges, y, (face, heavy), line, round(px))
        if end > bottom:
            break
        specs += group
        section += heading
        row, item = first + actions, item + 1
    cells, _ = _table(draw, specs, edges, y, (face, heavy), line, pad=round(px))
    truth += [text for cell in cells for text in cell.lines]
    rows = max(c.row + c.row_span for c in cells)
    return TablePage(page, "\n".join(truth), dpi, cells=tuple(cells), rows=rows, columns=6)


def _sentence(paragraph: str, rng: random.Random, shortest: int, longest: int) -> str:
    """The opening words of a corpus paragraph, without its list marker ("a)", "2.")."""
    words = _MARKER.sub("", paragraph).split()
    return " ".join(words[: rng.randrange(shortest, longest)]).rstrip(",;:")


def _rule(draw: ImageDraw.ImageDraw, start: tuple[float, float], end: tuple[float, float]) -> None:
    draw.line([start, end], fill="black", width=3)


def _table(
    draw: ImageDraw.ImageDraw,
    specs: list[Spec],
    edges: list[int],
    top: int,
    faces: tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont],
    line: int,
    pad: int,
) -> tuple[list[Cell], int]:
    """Draw `specs` as a ruled grid from `top` between the column `edges`; the cells in reading
    order (row, then column of their top-left) and the table's bottom edge.

    Each row is as tall as its tallest single-row cell; a cell spanning rows makes its last row
    taller if their sum leaves it no room. Each cell is drawn as its own rectangle, so a merged
    cell has no rule inside it.
    """
    wrapped = {}
    for spec in specs:
        span = edges[spec.column + spec.column_span] - edges[spec.column] - 2 * pad
        wrapped[spec] = wrap(spec.text, faces[spec.bold], span) if spec.text else []
    rows = max(s.row + s.row_span for s in specs)
    heights = [line + 2 * pad] * rows
    for spec in sorted(specs, key=lambda s: s.row_span):
        need = len(wrapped[spec]) * line + 2 * pad
        have = sum(heights[spec.row : spec.row + spec.row_span])
        heights[spec.row + spec.row_span - 1] += max(0, need - have)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    cells = []
    for spec in sorted(specs, key=lambda s: (s.row, s.column)):
        x0, x1 = edges[spec.column], edges[spec.column + spec.column_span]
        y0, y1 = ys[spec.row], ys[spec.row + spec.row_span]
        draw.rectangle((x0, y0, x1, y1), outline="black", width=3)
        font = faces[spec.bold]
        for k, text in enumerate(wrapped[spec]):
            x = x0 + pad if spec.align == "left" else (x0 + x1 - font.getlength(text)) / 2
            draw.text((x, y0 + pad + k * line), text, font=font, fill="black")
        cells.append(
            Cell(
                spec.row,
                spec.column,
                spec.row_span,
                spec.column_span,
                (x0, y0, x1 - x0, y1 - y0),
                tuple(wrapped[spec]),
            )
        )
    return cells, ys[-1]
