"""Decoding every supported container, and refusing what does not decode."""

import io

import pytest
from PIL import Image

from models.errors import CorruptFile, PageTooLarge, TooManyPages
from ocr.load import inspect, iter_pages


def _image(size: tuple[int, int] = (120, 80), color: str = "white") -> Image.Image:
    return Image.new("RGB", size, color)


def _encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP", "TIFF"])
def test_single_page_images_decode(fmt: str) -> None:
    data = _encode(_image(), fmt)
    info = inspect(data, max_pages=10, max_pixels=10**7)
    assert info.page_count == 1
    pages = list(iter_pages(data, dpi=300, max_pixels=10**7))
    assert [p.size for p in pages] == [(120, 80)]


def test_multipage_tiff_yields_every_page() -> None:
    frames = [_image(color=c) for c in ("white", "black", "gray")]
    data = _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    assert inspect(data, max_pages=10, max_pixels=10**7).page_count == 3
    pages = list(iter_pages(data, dpi=300, max_pixels=10**7))
    assert [p.getpixel((0, 0)) for p in pages] == [(255, 255, 255), (0, 0, 0), (128, 128, 128)]


def test_pdf_pages_are_rasterised_at_the_asked_dpi() -> None:
    data = _encode(
        _image((850, 1100)),
        "PDF",
        resolution=100.0,
        save_all=True,
        append_images=[_image((850, 1100))],
    )
    assert inspect(data, max_pages=10, max_pixels=10**8).page_count == 2
    pages = list(iter_pages(data, dpi=150, max_pixels=10**8))
    assert len(pages) == 2
    assert abs(pages[0].width - 1275) <= 2  # 8.5 in at 150 dpi


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    data = _encode(_image((120, 80)), "JPEG", exif=exif)
    (page,) = iter_pages(data, dpi=300, max_pixels=10**7)
    assert page.size == (80, 120)


def test_truncated_jpeg_is_corrupt() -> None:
    data = _encode(_image((400, 400), "gray"), "JPEG", quality=95)
    with pytest.raises(CorruptFile):
        inspect(data[: len(data) // 2], max_pages=10, max_pixels=10**7)


def test_truncated_png_is_corrupt() -> None:
    data = _encode(Image.effect_noise((300, 300), 50).convert("RGB"), "PNG")
    with pytest.raises(CorruptFile):
        inspect(data[: len(data) // 2], max_pages=10, max_pixels=10**7)


def test_garbage_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptFile):
        inspect(b"%PDF-1.4\nthis is not a pdf at all", max_pages=10, max_pixels=10**7)


def test_pixel_limit_refuses_before_decoding() -> None:
    data = _encode(_image((2000, 2000)), "PNG")
    with pytest.raises(PageTooLarge):
        inspect(data, max_pages=10, max_pixels=1_000_000)


def test_page_limit() -> None:
    frames = [_image() for _ in range(4)]
    data = _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(TooManyPages):
        inspect(data, max_pages=3, max_pixels=10**7)
