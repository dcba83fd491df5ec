"""A small JPEG of one page, for the clerk's screen: pure, from the original's bytes."""

from __future__ import annotations

import io
from itertools import islice

from models.errors import NotFound
from ocr.load import iter_pages

# PDFs are rasterised just fine enough for a screen preview, not at the recognition's 300 dpi.
_PREVIEW_DPI = 100


def page_preview(data: bytes, number: int, *, width: int, max_pixels: int) -> bytes:
    page = next(
        islice(iter_pages(data, dpi=_PREVIEW_DPI, max_pixels=max_pixels), number - 1, None), None
    )
    if page is None:
        raise NotFound("Không có trang này", detail={"page": number})
    if page.width > width:
        page = page.resize((width, max(1, round(page.height * width / page.width))))
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, "JPEG", quality=80)
    return buffer.getvalue()
