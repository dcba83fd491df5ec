"""The back of a Căn cước công dân card (2021–2024): fingerprints, the chip, the issue date and
the issuing office, and the machine-readable zone (three lines of 30) along the bottom edge.

The zone is written by `ocr.papers.mrz.td1` with its check digits, in DejaVu Sans Mono (the
installed face nearest OCR-B: monospaced, a slashed-free zero unlike O) at ICAO's pitch of
ten characters to the inch. The same seed gives the back of `synth.idcard.card_front`'s card.
"""

from __future__ import annotations

import random
from datetime import date

from PIL import Image

from ocr.papers.mrz import td1
from synth import people
from synth.idcard import CONDENSED, CONDENSED_BOLD, Card
from synth.render import FONT_DIR, RenderedPage

MONO = FONT_DIR / "DejaVuSansMono.ttf"
PITCH_MM = 2.54
"""ICAO 9303: ten characters to the inch on a TD1 zone."""
MONO_ADVANCE = 0.602
"""DejaVu Sans Mono's advance as a share of its em."""


def card_back(seed: int, dpi: int = 600) -> tuple[RenderedPage, list[str]]:
    """The back of seed's card and its zone's three lines (the card's ground truth)."""
    rng = random.Random(f"card:{seed}")  # the front's first draws: the same holder
    holder = people.person(rng, born_from=1950, born_to=2003)
    issued = people.some_date(rng, date(2021, 1, 1), date(2024, 6, 30))
    expiry = people.card_expiry(holder.born, issued)
    card = Card(dpi)
    px = card.px
    for k in range(2):  # the two index fingerprints: grey ovals in frames
        left = (52.0 + 16.5 * k) * px
        card.draw.rectangle((left, 3 * px, left + 14 * px, 20 * px), outline=(120, 120, 120))
        card.draw.ellipse(
            (left + 2 * px, 4.5 * px, left + 12 * px, 18.5 * px), fill=(175, 175, 180)
        )
    card.draw.rounded_rectangle(
        (5 * px, 5 * px, 16 * px, 14 * px), radius=1.2 * px, fill=(214, 182, 96)
    )
    rows = (
        ("Đặc điểm nhân dạng / Personal identification:", CONDENSED, 4.0),
        ("Nốt ruồi cách 2 cm trên mép phải", CONDENSED, 4.0),
        (f"Ngày, tháng, năm / Date, month, year: {people.numeric(issued)}", CONDENSED, 3.0),
        ("CỤC TRƯỞNG CỤC CẢNH SÁT", CONDENSED_BOLD, 3.0),
        ("QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", CONDENSED_BOLD, 3.0),
    )
    for k, (text, path, x_mm) in enumerate(rows):
        card.put(text, x_mm, 21.0 + 3.0 * k, card.fitted(path, 2.0, text, 45.0))
    zone = td1(holder.personal_id, holder.born, holder.male, expiry, holder.name)
    face = card.face(MONO, PITCH_MM / MONO_ADVANCE)
    card.draw.rectangle((0, 37.5 * px, card.width, card.height), fill=(250, 250, 247))
    for k, line in enumerate(zone):
        card.put(line, 4.7, 38.3 + 5.0 * k, face)
    return RenderedPage(card.image, "\n".join(card.lines), dpi), zone


def both_sides(seed: int, dpi: int = 600) -> Image.Image:
    """Front above back on one sheet, as a clerk photocopies a card."""
    from synth.idcard import card_front

    front = card_front(seed, dpi).image
    back = card_back(seed, dpi)[0].image
    sheet = Image.new("RGB", (front.width, front.height * 2 + front.height // 4), "white")
    sheet.paste(front, (0, 0))
    sheet.paste(back, (0, front.height + front.height // 4))
    return sheet
