"""Security printing: the fine guilloche, wavy-line and microtext backgrounds of certificates and
citizen's cards, drawn as ink coverage (0..1) to be laid under the print in a light colour.

Land-use and birth certificates are printed on such paper (a green, pink or beige net of crossing
sine lines, a rosette, microtext in the border); so is the card's face. The lines are thinner than
a letter's stroke and much paler, but they cover the whole sheet, text included.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synth.render import SANS

PAPER_TINTS = {
    "green": (120, 190, 140),
    "pink": (235, 130, 165),
    "beige": (205, 170, 110),
    "blue": (120, 160, 215),
}
"""Security inks as printed: the pattern's full-coverage colour (it is laid on thinly)."""

MICROTEXT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "


def _polyline(canvas: np.ndarray, xs: np.ndarray, ys: np.ndarray, thickness: int) -> None:
    points = np.round(np.stack([xs, ys], axis=1) * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(canvas, [points], False, 255, thickness, cv2.LINE_AA, shift=4)


def wavy_net(size: tuple[int, int], px_per_mm: float, rng: np.random.Generator) -> np.ndarray:
    """Two families of sine lines crossing in opposite phase: the chain-link net of guilloche."""
    width, height = size
    canvas = np.zeros((height, width), np.uint8)
    spacing = rng.uniform(0.9, 1.6) * px_per_mm
    amplitude = rng.uniform(0.8, 2.5) * px_per_mm
    wavelength = rng.uniform(6.0, 16.0) * px_per_mm
    thickness = max(1, round(0.14 * px_per_mm))
    xs = np.arange(0, width + 8, 4, dtype=np.float64)
    drift = rng.uniform(0, 2 * math.pi)
    for family, phase in enumerate((0.0, math.pi)):
        for k, y0 in enumerate(np.arange(-amplitude, height + amplitude, spacing)):
            # a slow drift of phase along the sheet bends the net into the moiré of real paper
            shift = phase + 0.15 * math.sin(k / 9 + drift + family)
            ys = y0 + amplitude * np.sin(2 * math.pi * xs / wavelength + shift)
            _polyline(canvas, xs, ys, thickness)
    return canvas.astype(np.float32) / 255.0


def rosette(size: tuple[int, int], px_per_mm: float, rng: np.random.Generator) -> np.ndarray:
    """Concentric epitrochoids round the sheet's centre, the guilloche rosette of certificates."""
    width, height = size
    canvas = np.zeros((height, width), np.uint8)
    cx, cy = width / 2 + rng.uniform(-0.05, 0.05) * width, height / 2
    outer = rng.uniform(0.25, 0.38) * min(width, height)
    thickness = max(1, round(0.14 * px_per_mm))
    lobes = int(rng.integers(14, 28))
    t = np.linspace(0, 2 * math.pi, 6000)
    for ring in range(int(rng.integers(4, 8))):
        r = outer * (1 - 0.12 * ring)
        depth = r * rng.uniform(0.06, 0.14)
        for turn in (0.0, math.pi / lobes):
            radius = r - depth + depth * np.cos(lobes * t + turn)
            _polyline(canvas, cx + radius * np.cos(t), cy + radius * np.sin(t), thickness)
    return canvas.astype(np.float32) / 255.0


def microtext_border(
    size: tuple[int, int], px_per_mm: float, rng: np.random.Generator
) -> np.ndarray:
    """A frame of rules and repeated microtext ~1 mm high, 6–12 mm in from the sheet's edges."""
    width, height = size
    layer = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(layer)
    inset = rng.uniform(6.0, 12.0) * px_per_mm
    band = rng.uniform(3.0, 5.0) * px_per_mm
    rule = max(1, round(0.12 * px_per_mm))
    for offset in (0.0, band):
        box = (inset + offset, inset + offset, width - inset - offset, height - inset - offset)
        draw.rectangle(box, outline=255, width=rule)
    face = ImageFont.truetype(str(SANS), max(6, round(1.0 * px_per_mm)))
    text_length = face.getlength(MICROTEXT)
    middle = inset + band / 2 - 0.5 * px_per_mm
    for y in (middle, height - middle - 1.0 * px_per_mm):
        line = MICROTEXT * (int(width / text_length) + 1)
        draw.text((inset + band, y), line, font=face, fill=255)
    # the side bands carry the same microtext, running up the sheet
    strip = Image.new("L", (height, round(1.6 * px_per_mm)), 0)
    ImageDraw.Draw(strip).text(
        (0, 0), MICROTEXT * (int(height / text_length) + 1), font=face, fill=255
    )
    strip = strip.rotate(90, expand=True)
    for x in (middle, width - middle - strip.width):
        layer.paste(255, (round(x), 0), strip)
    mask = np.asarray(layer, np.float32) / 255.0
    # the border holds text only inside its frame: nothing beyond the outer rule
    keep = np.zeros_like(mask)
    i = round(inset)
    keep[i : height - i, i : width - i] = 1
    inner = round(inset + band)
    keep[inner : height - inner, inner : width - inner] = 0
    return mask * keep


def security_pattern(
    size: tuple[int, int], px_per_mm: float, rng: np.random.Generator, *, border: bool = True
) -> np.ndarray:
    """The whole background: the net everywhere, a rosette in the middle, a microtext frame."""
    # the paper itself is dyed a little in the pattern's colour
    cover = np.maximum(wavy_net(size, px_per_mm, rng) * rng.uniform(0.55, 0.85), 0.12)
    cover = np.maximum(cover, rosette(size, px_per_mm, rng) * rng.uniform(0.7, 1.0))
    if border:
        cover = np.maximum(cover, microtext_border(size, px_per_mm, rng))
    return cover


def lay_under(
    rgb: np.ndarray, cover: np.ndarray, tint: tuple[int, int, int], density: float
) -> np.ndarray:
    """Print the pattern first, as the paper mill does: ink multiplies, the black text stays."""
    colour = np.asarray(tint, np.float32) / 255.0
    ink = (cover * density)[:, :, None]
    out = rgb.astype(np.float32) * (1 - ink + ink * colour)
    return np.clip(out, 0, 255).astype(np.uint8)
