"""Administrative papers in the Decree 30/2020 layout, and the same text in one column.

Two-column header (agency and "Số: …" left, motto and "…, ngày … tháng … năm …" right), centred
title, body, two-column footer ("Nơi nhận:" left, signature block right with a blue signature and
a red seal over it). The twin puts the very same lines in one column, so a benchmark can tell how
much of a recogniser's error on the real layout is reading order and not reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from models.recognition import BlockRole
from synth.marks import BALLPOINT_BLUE, SEAL_RED, seal_mask, signature_mask, stamp
from synth.render import A4_MM, FONT_DIR, MOTTO, RenderedPage, wrap

FACES = (
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
    ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
)
"""Regular and bold of each family with full Vietnamese coverage on the machine (`fc-list`)."""

AGENCIES = (
    ("ỦY BAN NHÂN DÂN", "HUYỆN THANH TRÌ", "Thanh Trì"),
    ("ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "Nghệ An"),
    ("ỦY BAN NHÂN DÂN", "PHƯỜNG BẾN NGHÉ", "Quận 1"),
    ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "Hà Nội"),
)
TITLES = (
    ("QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch cải cách hành chính năm 2024"),
    ("THÔNG BÁO", "Kết luận của Chủ tịch Ủy ban nhân dân tại cuộc họp giao ban"),
    ("QUYẾT ĐỊNH", "Về việc thành lập Tổ công tác số hóa hồ sơ thủ tục hành chính"),
)
SIGNERS = ("Nguyễn Văn Bình", "Trần Thị Hoa", "Lê Quang Minh", "Phạm Thu Hằng")
RECIPIENTS = ("Nơi nhận:", "- Như Điều 3;", "- Chủ tịch, các PCT;", "- Lưu: VT, VP.")
SIGNATURE_TITLES = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


@dataclass(frozen=True)
class AdminPage(RenderedPage):
    """A rendered paper with what each role's lines are, and where the seal and signature are."""

    roles: dict[BlockRole, list[str]]
    marks: dict[str, tuple[int, int, int, int]]
    """Seal and signature boxes (left, top, width, height) in the page's pixels."""


@dataclass(frozen=True)
class _Face:
    regular: ImageFont.FreeTypeFont
    bold: ImageFont.FreeTypeFont
    line: int
    header: ImageFont.FreeTypeFont
    """Bold for the two header columns, small enough to leave a gutter between them."""


def admin_pages(paragraphs: list[str], *, seed: int, dpi: int = 300) -> tuple[AdminPage, AdminPage]:
    """A paper in the Decree 30/2020 layout and its single-column twin with the same lines."""
    rng = np.random.default_rng(seed)
    regular, bold = FACES[int(rng.integers(len(FACES)))]
    size = round(float(rng.choice([12.0, 13.0])) * dpi / 72)
    superior, agency, place = AGENCIES[int(rng.integers(len(AGENCIES)))]
    px = dpi / 25.4
    width = round(A4_MM[0] * px)
    left, right = round(30 * px), width - round(20 * px)
    split = left + round(float(rng.uniform(0.36, 0.42)) * (right - left))
    face = _Face(
        ImageFont.truetype(str(FONT_DIR / regular), size),
        ImageFont.truetype(str(FONT_DIR / bold), size),
        round(size * 1.4),
        _header_font(FONT_DIR / bold, size, (left, split, right), [superior, agency], 5 * px),
    )
    title, subject = TITLES[int(rng.integers(len(TITLES)))]
    number = f"Số: {int(rng.integers(10, 999))}/{'QĐ' if title == 'QUYẾT ĐỊNH' else 'TB'}-UBND"
    day, month = int(rng.integers(1, 29)), int(rng.integers(1, 13))
    roles: dict[BlockRole, list[str]] = {
        BlockRole.AGENCY: [superior, agency],
        BlockRole.NUMBER_SYMBOL: [number],
        BlockRole.MOTTO: list(MOTTO),
        BlockRole.PLACE_DATE: [f"{place}, ngày {day} tháng {month} năm 2024"],
        # The summary under the title is set narrower than the body, as real papers break it.
        BlockRole.TITLE: [title, *wrap(subject, face.bold, 0.75 * (right - left))],
        BlockRole.BODY: [],
        BlockRole.RECIPIENTS: list(RECIPIENTS),
        BlockRole.SIGNATURE: [*SIGNATURE_TITLES, SIGNERS[int(rng.integers(len(SIGNERS)))]],
    }
    # Body lines until the footer (~55 mm with the signature space) would not fit any more.
    room = round(A4_MM[1] * px) - round(20 * px) - round(62 * px) - round(20 * px)
    room -= 7 * face.line + 2 * face.line
    for paragraph in paragraphs:
        lines = wrap(paragraph, face.regular, right - left)
        if (len(roles[BlockRole.BODY]) + len(lines)) * face.line > room:
            break
        roles[BlockRole.BODY].extend(lines)
    seal_rng, sign_rng = (np.random.default_rng(seed + k) for k in (1, 2))
    two = _draw(roles, face, dpi, (left, split, right), True, seal_rng, sign_rng, agency)
    seal_rng, sign_rng = (np.random.default_rng(seed + k) for k in (1, 2))
    one = _draw(roles, face, dpi, (left, split, right), False, seal_rng, sign_rng, agency)
    return two, one


def _header_font(
    path: Path, size: int, columns: tuple[int, int, int], agency: list[str], gutter: float
) -> ImageFont.FreeTypeFont:
    """The largest bold face up to `size` whose header columns, each centred in its half, stay
    `gutter` apart (real headers do: the motto is set smaller rather than touch the agency)."""
    left, split, right = columns
    while True:
        font = ImageFont.truetype(str(path), size)
        end = (left + split + max(font.getlength(t) for t in agency)) / 2
        start = (split + right - max(font.getlength(t) for t in MOTTO)) / 2
        if start - end >= gutter or size <= 10:
            return font
        size -= 2


def _draw(
    roles: dict[BlockRole, list[str]],
    face: _Face,
    dpi: int,
    columns: tuple[int, int, int],
    two_columns: bool,
    seal_rng: np.random.Generator,
    sign_rng: np.random.Generator,
    agency: str,
) -> AdminPage:
    px = dpi / 25.4
    width, height = (round(mm * px) for mm in A4_MM)
    left, split, right = columns
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    truth: list[str] = []

    def column(
        lines: list[str],
        bold: bool,
        span: tuple[int, int],
        y: int,
        centre: bool,
        header: bool = False,
    ) -> int:
        font = face.header if header else face.bold if bold else face.regular
        for text in lines:
            x = (span[0] + span[1] - font.getlength(text)) / 2 if centre else span[0]
            draw.text((x, y), text, font=font, fill="black")
            truth.append(text)
            y += face.line
        return y

    r = roles
    y = top = round(20 * px)
    full = (left, right)
    if two_columns:
        y = column(r[BlockRole.AGENCY], True, (left, split), y, True, header=True)
        y = column(r[BlockRole.NUMBER_SYMBOL], False, (left, split), y + face.line // 2, True)
        y2 = column(r[BlockRole.MOTTO], True, (split, right), top, True, header=True)
        y = max(
            y, column(r[BlockRole.PLACE_DATE], False, (split, right), y2 + face.line // 2, True)
        )
    else:
        for role in (BlockRole.AGENCY, BlockRole.NUMBER_SYMBOL, BlockRole.MOTTO):
            y = column(r[role], role is not BlockRole.NUMBER_SYMBOL, full, y, False)
        y = column(r[BlockRole.PLACE_DATE], False, full, y, False)
    y = column(r[BlockRole.TITLE], True, full, y + face.line, True)
    y = column(r[BlockRole.BODY], False, full, y + face.line // 2, False)
    y += face.line // 2
    titles, signer = r[BlockRole.SIGNATURE][:-1], r[BlockRole.SIGNATURE][-1:]
    if two_columns:
        column(r[BlockRole.RECIPIENTS], False, (left, split), y, False)
        sign_top = column(titles, True, (split, right), y, True)
        sign_span = (split, right)
    else:
        y = column(r[BlockRole.RECIPIENTS], False, full, y, False)
        sign_top = column(titles, True, full, y + face.line // 2, False)
        sign_span = (left, left + (right - split))
    name_y = sign_top + round(26 * px)
    column(signer, True, sign_span, name_y, two_columns)
    rgb = np.array(page)
    signature = signature_mask(dpi, sign_rng)
    seal = seal_mask(dpi, seal_rng, text=f"ỦY BAN NHÂN DÂN {agency}")
    middle = (sign_span[0] + sign_span[1]) // 2
    sign_at = (middle - signature.shape[1] // 3, sign_top + round(2 * px))
    seal_at = (sign_at[0] - seal.shape[1] // 2, (sign_top + name_y) // 2 - seal.shape[0] // 2)
    marks = {
        "signature": stamp(rgb, signature, BALLPOINT_BLUE, sign_at),
        # Pressed after signing, over the left part of the signature, as on real papers.
        "seal": stamp(rgb, seal, SEAL_RED, (max(0, seal_at[0]), seal_at[1])),
    }
    return AdminPage(Image.fromarray(rgb), "\n".join(truth), dpi, roles=roles, marks=marks)
