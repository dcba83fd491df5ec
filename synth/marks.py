"""Ink marks that real administrative papers carry over their text: the red seal, the signature.

Both are drawn as ink coverage masks (0..1) and laid on the page by multiplying, as ink does: the
black text under a red seal stays black, the paper around it turns red.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synth.render import SANS_BOLD

# Agency names as they run around real seals (ministries, provinces, people's committees).
SEAL_TEXTS = (
    "ỦY BAN NHÂN DÂN HUYỆN THANH TRÌ",
    "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
    "SỞ TƯ PHÁP THÀNH PHỐ HÀ NỘI",
    "ỦY BAN NHÂN DÂN PHƯỜNG BẾN NGHÉ",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ TỈNH BÌNH DƯƠNG",
)
SEAL_RED = (200, 30, 45)
"""Seal ink: a red slightly towards crimson, as the cinnabar stamp pads give."""
BALLPOINT_BLUE = (25, 45, 150)


def seal_mask(dpi: int, rng: np.random.Generator, text: str | None = None) -> np.ndarray:
    """A round seal ~38 mm across: outer ring, inner ring, agency name around, star inside.

    `text` is the agency's name (a paper's seal names its own agency); a random one otherwise.
    """
    px = dpi / 25.4
    radius = rng.uniform(17.5, 20.0) * px
    size = round(2 * radius + 4 * px)
    centre = size / 2
    layer = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(layer)

    def ring(r: float, width: float) -> None:
        draw.ellipse(
            (centre - r, centre - r, centre + r, centre + r),
            outline=255,
            width=max(1, round(width)),
        )

    ring(radius, 0.9 * px)
    ring(radius - 1.6 * px, 0.35 * px)
    ring(radius * 0.58, 0.35 * px)
    _text_around(layer, text or str(rng.choice(SEAL_TEXTS)), centre, radius * 0.79, round(3.3 * px))
    _star(draw, centre, radius * 0.4)
    ink = np.asarray(layer, dtype=np.float32) / 255.0
    # A stamp never inks evenly: blotchy density, a little bleed into the paper fibres.
    blotch = cv2.resize(
        rng.uniform(0.55, 1.0, size=(12, 12)).astype(np.float32),
        (size, size),
        interpolation=cv2.INTER_CUBIC,
    )
    bled = cv2.GaussianBlur(ink, (0, 0), 0.08 * px) * np.clip(blotch, 0.4, 1.0)
    return np.asarray(np.clip(bled * rng.uniform(0.75, 0.9), 0.0, 1.0), dtype=np.float32)


def _text_around(layer: Image.Image, text: str, centre: float, radius: float, size: int) -> None:
    """Write `text` clockwise along the upper ~300° of a circle, each glyph upright to the rim."""
    face = ImageFont.truetype(str(SANS_BOLD), size)
    glyphs = list(f"{text} ★ ")
    span = 2 * math.pi * 0.86
    start = -math.pi / 2 - span / 2
    for index, glyph in enumerate(glyphs):
        angle = start + span * (index + 0.5) / len(glyphs)
        box = face.getbbox(glyph) if glyph.strip() else (0, 0, 1, 1)
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text(
            (size - (box[0] + box[2]) / 2, size - (box[1] + box[3]) / 2),
            glyph,
            font=face,
            fill=255,
        )
        # Glyph tops point away from the centre: turn by the tangent angle.
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - size
        y = centre + radius * math.sin(angle) - size
        layer.paste(255, (round(x), round(y)), tile)


def _star(draw: ImageDraw.ImageDraw, centre: float, radius: float) -> None:
    points = []
    for k in range(10):
        r = radius if k % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((centre + r * math.cos(angle), centre + r * math.sin(angle)))
    draw.polygon(points, fill=255)


def signature_mask(dpi: int, rng: np.random.Generator) -> np.ndarray:
    """A ballpoint signature ~50 × 18 mm: a fast looping stroke and an underline flourish."""
    px = dpi / 25.4
    width, height = round(55 * px), round(22 * px)
    canvas = np.zeros((height, width), dtype=np.uint8)
    t = np.linspace(0.0, 1.0, 900)
    loops = rng.uniform(4.0, 7.0)
    phase = rng.uniform(0, 2 * math.pi, size=3)
    x = 0.08 * width + 0.75 * width * t + 0.05 * width * np.sin(2 * math.pi * loops * t + phase[0])
    y = (
        0.45 * height
        + 0.28 * height * np.sin(2 * math.pi * loops * t + phase[1])
        + 0.08 * height * np.sin(2 * math.pi * 1.3 * t + phase[2])
    )
    thickness = max(1, round(0.45 * px))
    stroke = np.stack([x, y], axis=1)
    # The flourish: back under the name and off to the right, the way hurried signatures end.
    u = np.linspace(0.0, 1.0, 200)
    flourish = np.stack(
        [x[-1] - 0.7 * width * np.sin(math.pi * u / 2), y[-1] + 0.3 * height * np.sin(math.pi * u)],
        axis=1,
    )
    for part in (stroke, flourish):
        points = np.round(part * 16).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [points], False, 255, thickness, cv2.LINE_AA, shift=4)
    ink = canvas.astype(np.float32) / 255.0
    return np.asarray(ink * rng.uniform(0.8, 0.95), dtype=np.float32)


def stamp(
    rgb: np.ndarray, mask: np.ndarray, colour: tuple[int, int, int], at: tuple[int, int]
) -> tuple[int, int, int, int]:
    """Multiply `colour` into `rgb` through `mask` with its top-left at `at`; return the box."""
    left, top = at
    h, w = mask.shape
    bottom, right = min(top + h, rgb.shape[0]), min(left + w, rgb.shape[1])
    cover = mask[: bottom - top, : right - left, None]
    tint = np.asarray(colour, dtype=np.float32) / 255.0
    region = rgb[top:bottom, left:right].astype(np.float32)
    rgb[top:bottom, left:right] = np.clip(region * (1 - cover + cover * tint), 0, 255).astype(
        np.uint8
    )
    return (left, top, right - left, bottom - top)
