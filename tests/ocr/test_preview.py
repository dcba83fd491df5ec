"""A page's preview renders that page alone, whichever page of however long a file."""

from __future__ import annotations

import io

import pdf2image
import pytest
from PIL import Image

from models.errors import NotFound
from ocr.preview import page_preview
from tests.hostile import pdf_with_pages, tiff_frames


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every (first, last) page poppler is asked to render; the real renderer still runs."""
    asked: list[tuple[int, int]] = []
    real = pdf2image.convert_from_bytes

    def counted(data: bytes, **options: object) -> list[Image.Image]:
        first = int(str(options.get("first_page") or 1))
        last = int(str(options.get("last_page") or 10**9))
        asked.append((first, last))
        return real(data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf2image, "convert_from_bytes", counted)
    return asked


def test_page_n_of_a_pdf_renders_page_n_only(renders: list[tuple[int, int]]) -> None:
    preview = page_preview(pdf_with_pages(12), 12, width=100, max_pixels=10**8)
    assert Image.open(io.BytesIO(preview)).width == 100
    assert renders == [(12, 12)]


def test_a_page_past_the_end_renders_nothing(renders: list[tuple[int, int]]) -> None:
    with pytest.raises(NotFound):
        page_preview(pdf_with_pages(3), 100_000, width=100, max_pixels=10**8)
    assert renders == []


def test_page_n_of_a_tiff_does_not_decode_the_pages_before() -> None:
    # frame 1 is broken: reaching frame 3 by decoding frames 1 and 2 fails
    data = tiff_frames([(40, 30), (40, 30), (80, 60)], corrupt=0)
    preview = page_preview(data, 3, width=2000, max_pixels=10**8)
    assert Image.open(io.BytesIO(preview)).size == (80, 60)
    with pytest.raises(NotFound):
        page_preview(data, 4, width=100, max_pixels=10**8)
