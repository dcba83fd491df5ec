"""A small JPEG of one page, for the clerk's screen: pure, from the original's bytes."""

from __future__ import annotations

import io

from ocr.load import page_at

# PDFs are rasterised just fine enough for a screen preview, not at the recognition's 300 dpi.
_PREVIEW_DPI = 100


def page_preview(data: bytes, number: int, *, width: int, max_pixels: int) -> bytes:
    # page N alone: rendering pages 1..N made page 100 of a PDF cost a hundred renders
    page = page_at(data, number, dpi=_PREVIEW_DPI, max_pixels=max_pixels)
    if page.width > width:
        page = page.resize((width, max(1, round(page.height * width / page.width))))
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
