"""Render administrative-style Vietnamese pages (motto header, title, body) at a given dpi.

The ground truth is the text exactly as laid out, line by line, so a recogniser's output can be
scored character by character.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
SERIF = FONT_DIR / "DejaVuSerif.ttf"
SERIF_BOLD = FONT_DIR / "DejaVuSerif-Bold.ttf"

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

A4_MM = (210, 297)


@dataclass(frozen=True)
class RenderedPage:
    image: Image.Image
    text: str
    """Ground truth: the rendered lines joined by newlines, in reading order."""
    dpi: int


def render_page(
    paragraphs: list[str],
    *,
    title: str | None = "THÔNG BÁO",
    dpi: int = 300,
    font_pt: float = 13,
    font: Path = SERIF,
    bold_font: Path = SERIF_BOLD,
    motto: bool = True,
) -> RenderedPage:
    """Lay out a page on A4 (Decree 30/2020 margins) and stop at the bottom margin."""
    px_per_mm = dpi / 25.4
    width, height = (round(mm * px_per_mm) for mm in A4_MM)
    left, right = round(30 * px_per_mm), round(20 * px_per_mm)
    top, bottom = round(20 * px_per_mm), round(20 * px_per_mm)
    size = round(font_pt * dpi / 72)
    body = ImageFont.truetype(str(font), size)
    bold = ImageFont.truetype(str(bold_font), size)
    line_height = round(size * 1.45)

    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    lines: list[str] = []
    y = top

    def centred(text: str, face: ImageFont.FreeTypeFont) -> None:
        nonlocal y
        x = (width - face.getlength(text)) / 2
        draw.text((x, y), text, font=face, fill="black")
        lines.append(text)
        y += line_height

    if motto:
        for text in MOTTO:
            centred(text, bold)
        y += line_height
    if title:
        centred(title, bold)
        y += line_height // 2

    usable = width - left - right
    for paragraph in paragraphs:
        for line in wrap(paragraph, body, usable):
            if y + line_height > height - bottom:
                return RenderedPage(page, "\n".join(lines), dpi)
            draw.text((left, y), line, font=body, fill="black")
            lines.append(line)
            y += line_height
        y += line_height // 3
    return RenderedPage(page, "\n".join(lines), dpi)


def wrap(paragraph: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        candidate = f"{current} {word}" if current else word
        if current and face.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
