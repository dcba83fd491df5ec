"""The face of a Căn cước công dân card at its own size (85.6 × 54 mm), as the card is printed:
emblem, motto, the title in red, portrait, QR code, the holder's fields on a guilloche ground.

`synth.cards` lays the same fields out on an A4 sheet (for the classifier); this is the card
itself, for the conditions that scan or photograph a card (`synth.hard`). The ground truth is
the printed lines in reading order: the header, the right column, the expiry under the portrait.
"""

from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFont

from synth import people
from synth.patterns import PAPER_TINTS, lay_under, security_pattern
from synth.render import FONT_DIR, MOTTO, RenderedPage

CARD_MM = (85.6, 54.0)
"""ISO/IEC 7810 ID-1, the size of every citizen's card."""
TITLE = "CĂN CƯỚC CÔNG DÂN"
TITLE_RED = (200, 32, 42)
"""The title's red on the 2021 chip card: as saturated as a seal's ink."""
SANS_FACE = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD_FACE = FONT_DIR / "DejaVuSans-Bold.ttf"
CONDENSED = FONT_DIR / "DejaVuSansCondensed.ttf"
CONDENSED_BOLD = FONT_DIR / "DejaVuSansCondensed-Bold.ttf"


class Card:
    def __init__(self, dpi: int) -> None:
        self.px = dpi / 25.4
        self.width, self.height = (round(v * self.px) for v in CARD_MM)
        self.image = Image.new("RGB", (self.width, self.height), (246, 246, 240))
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []

    def face(self, path: Path, em_mm: float) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(path), round(em_mm * self.px))

    def fitted(
        self, path: Path, em_mm: float, text: str, width_mm: float
    ) -> ImageFont.FreeTypeFont:
        """The face at `em_mm`, or smaller until `text` fits `width_mm` (cards squeeze long lines)."""
        while True:
            face = self.face(path, em_mm)
            if face.getlength(text) <= width_mm * self.px or em_mm < 1.2:
                return face
            em_mm *= 0.95

    def put(
        self,
        text: str,
        x_mm: float,
        y_mm: float,
        face: ImageFont.FreeTypeFont,
        fill: tuple[int, int, int] = (20, 20, 25),
        *,
        centre: bool = False,
    ) -> None:
        x = x_mm * self.px - (face.getlength(text) / 2 if centre else 0)
        self.draw.text((x, y_mm * self.px), text, font=face, fill=fill)
        self.lines.append(text)


def _emblem(card: Card, rng: random.Random) -> None:
    """The national emblem, simplified: a red disc ~12 mm, a yellow star, a golden rim."""
    px = card.px
    cx, cy, r = 9.5 * px, 10.0 * px, 6.2 * px
    card.draw.ellipse(
        (cx - r, cy - r, cx + r, cy + r),
        fill=(205, 40, 40),
        outline=(215, 170, 40),
        width=round(0.6 * px),
    )
    points = []
    for k in range(10):
        radius = (0.55 if k % 2 == 0 else 0.22) * r
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    card.draw.polygon(points, fill=(250, 215, 50))


def qr_payload(holder: people.Person, residence: str, issued: date, old_id: str = "") -> str:
    """What the chip card's QR code holds (`ocr.papers.qr` names the sources of this layout):
    ID | old CMND | name | birth ddmmyyyy | sex | permanent residence | issue date ddmmyyyy."""
    sex = "Nam" if holder.male else "Nữ"
    fields = (
        holder.personal_id,
        old_id,
        holder.title_name,
        f"{holder.born:%d%m%Y}",
        sex,
        residence,
    )
    return "|".join((*fields, f"{issued:%d%m%Y}"))


def _qr(card: Card, payload: str) -> None:
    """A real QR code of `payload` (segno, UTF-8, the smallest version that holds it), 13 mm
    square in the top right corner as on the card, on a white quiet zone of one module.

    Drawn eight times finer and area-averaged into the card's pixels, as a scanner's sensor
    cells integrate the print: at 150 dpi a module is 1.9 px, and drawing each module as a
    rectangle (whose end points PIL includes) made every dark module a pixel wider and taller,
    half a module, so the light ones between vanished and no decoder read a single card."""
    code = segno.make(payload, error="m", micro=False, encoding="utf-8")
    dark = np.pad(np.asarray(code.matrix, bool), 1)  # the quiet zone: one light module
    fine = 8
    sharp = np.where(np.kron(dark, np.ones((fine, fine), bool)), 15, 255).astype(np.uint8)
    px, modules = card.px, len(code.matrix)
    cell = 13.0 * px / modules
    side = round(len(dark) * cell)
    grey = cv2.resize(sharp, (side, side), interpolation=cv2.INTER_AREA)
    x0, y0 = (CARD_MM[0] - 15.5) * px - cell, 3.0 * px - cell
    card.image.paste(Image.fromarray(grey).convert("RGB"), (round(x0), round(y0)))


def _portrait(card: Card, rng: random.Random) -> None:
    """A passport photo's look: pale blue ground, head and shoulders in skin and dark tones."""
    px = card.px
    w, h = round(20 * px), round(26 * px)
    photo = Image.new("RGB", (w, h), (200, 222, 240))
    draw = ImageDraw.Draw(photo)
    cx = w / 2
    shirt = rng.choice(((245, 245, 245), (40, 50, 80), (90, 90, 95)))
    draw.ellipse((-2 * px, h - 8 * px, w + 2 * px, h + 10 * px), fill=shirt)
    draw.rectangle((cx - 2.3 * px, h - 11 * px, cx + 2.3 * px, h - 7 * px), fill=(215, 175, 140))
    draw.ellipse((cx - 6 * px, 3 * px, cx + 6 * px, 18 * px), fill=(220, 180, 145))
    draw.chord((cx - 6.4 * px, 2.2 * px, cx + 6.4 * px, 14 * px), 180, 360, fill=(30, 25, 25))
    card.image.paste(photo, (round(3 * px), round(20 * px)))


def card_front(seed: int, dpi: int = 600) -> RenderedPage:
    """The front of a 2021 chip CCCD for a generated citizen, the same card for the same seed."""
    rng = random.Random(f"card:{seed}")
    holder = people.person(rng, born_from=1950, born_to=2003)
    issued = people.some_date(rng, date(2021, 1, 1), date(2024, 6, 30))
    expiry = people.card_expiry(holder.born, issued)
    card = Card(dpi)
    ground = np.asarray(card.image)
    tint = PAPER_TINTS[rng.choice(("green", "blue"))]
    size = (card.width, card.height)
    cover = security_pattern(
        size, card.px, np.random.default_rng(rng.randrange(2**32)), border=False
    )
    card.image = Image.fromarray(lay_under(ground, cover, tint, 0.35))
    card.draw = ImageDraw.Draw(card.image)
    _emblem(card, rng)
    for _ in range(25 * 25):  # the look-alike code's draws: a seed keeps the card it had
        rng.random()
    middle, span = 43.0, 50.0  # between the emblem and the QR code
    for text, bold in (
        (MOTTO[0], True),
        (MOTTO[1], True),
        ("SOCIALIST REPUBLIC OF VIET NAM", False),
        ("Independence - Freedom - Happiness", False),
    ):
        face = card.fitted(SANS_BOLD_FACE if bold else SANS_FACE, 2.0, text, span)
        card.put(text, middle, 3.0 + 2.7 * len(card.lines), face, centre=True)
    card.put(
        TITLE, middle, 13.8, card.fitted(SANS_BOLD_FACE, 3.6, TITLE, span), TITLE_RED, centre=True
    )
    card.put("Citizen Identity Card", middle, 18.4, card.face(SANS_BOLD_FACE, 2.1), centre=True)
    _portrait(card, rng)
    place = people.PROVINCES[holder.province]
    sex = "Nam" if holder.male else "Nữ"
    origin = f"{rng.choice(people.COMMUNES)}, {place}"
    residence = f"Thôn {rng.randrange(1, 12)}, {rng.choice(people.COMMUNES)}, {place}"
    rows = (
        (f"Số / No.: {holder.personal_id}", CONDENSED_BOLD),
        ("Họ và tên / Full name:", CONDENSED),
        (holder.name, CONDENSED_BOLD),
        (f"Ngày sinh / Date of birth: {people.numeric(holder.born)}", CONDENSED),
        (f"Giới tính / Sex: {sex}   Quốc tịch / Nationality: Việt Nam", CONDENSED),
        ("Quê quán / Place of origin:", CONDENSED),
        (origin, CONDENSED),
        ("Nơi thường trú / Place of residence:", CONDENSED),
        (residence, CONDENSED),
    )
    # Its own stream: the old CMND some holders had, without changing what the card prints.
    old = random.Random(f"cmnd:{seed}")
    old_id = f"{old.randrange(10**8, 10**9)}" if old.random() < 0.5 else ""
    _qr(card, qr_payload(holder, residence, issued, old_id))
    for k, (text, path) in enumerate(rows):
        em = 2.5 if k in (0, 2) else 2.1
        card.put(text, 25.0, 22.8 + 2.75 * k, card.fitted(path, em, text, CARD_MM[0] - 27.0))
    until = people.numeric(expiry) if expiry else "Không thời hạn"
    line = f"Có giá trị đến: {until}"
    card.put(line, 3.0, 48.2, card.fitted(CONDENSED, 1.9, line, 40.0))
    return RenderedPage(card.image, "\n".join(card.lines), dpi)
