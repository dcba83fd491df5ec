"""Decoding every supported container, and refusing what does not decode."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from models.errors import CorruptFile, DecodeTimeout, PageTooLarge, TooManyPages, TooManyPixels
from ocr.load import inspect, iter_pages
from tests.hostile import png_broken_tail, png_cut_short, tiff_claiming, tiff_frames


def _image(size: tuple[int, int] = (120, 80), color: str = "white") -> Image.Image:
    return Image.new("RGB", size, color)


def _encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP", "TIFF", "HEIF"])
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


def test_pages_are_counted_from_the_headers_before_any_is_decoded() -> None:
    # frame 2 is broken: decoding frames before counting them reports it; counting first does not
    with pytest.raises(TooManyPages):
        inspect(tiff_frames([(8, 8)] * 201, corrupt=1), max_pages=200, max_pixels=10**7)


def test_every_frame_is_sized_from_its_header_before_any_is_decoded() -> None:
    data = tiff_frames([(8, 8), (8, 8), (100, 100)], corrupt=0)
    with pytest.raises(PageTooLarge):
        inspect(data, max_pages=10, max_pixels=5_000)


def test_a_wide_mode_is_held_to_the_bytes_of_an_rgb_page() -> None:
    # 10 000 pixels under a 12 000-pixel cap, but RGBA takes 4 bytes a pixel: 40 000 bytes,
    # over the 36 000 an RGB page at the cap takes
    assert inspect(_encode(_image((100, 100)), "PNG"), max_pages=1, max_pixels=12_000)
    with pytest.raises(PageTooLarge):
        inspect(_encode(Image.new("RGBA", (100, 100)), "PNG"), max_pages=1, max_pixels=12_000)


def test_a_file_of_too_many_pixels_is_refused_from_its_headers_before_any_frame_is_decoded() -> (
    None
):
    # 20 frames of 100 Mpx, each under the page cap, over 16 bytes of pixels each: decoding
    # the first frame fails (CorruptFile); summing the headers first refuses the file's work
    data = tiff_claiming([(10_000, 10_000)] * 20)
    with pytest.raises(CorruptFile):
        inspect(data, max_pages=200, max_pixels=120_000_000)
    with pytest.raises(TooManyPixels) as refused:
        inspect(data, max_pages=200, max_pixels=120_000_000, max_file_pixels=1_000_000_000)
    assert refused.value.http_status == 413
    assert refused.value.detail["max"] == 1_000_000_000


def test_the_pixels_of_a_file_of_equal_frames_are_its_pages_times_the_first() -> None:
    frames = [_image((100, 100), c) for c in ("white", "black", "gray")]
    data = _encode(frames[0], "PNG", save_all=True, append_images=frames[1:])  # animated
    assert inspect(data, max_pages=3, max_pixels=10**4, max_file_pixels=30_000).page_count == 3
    with pytest.raises(TooManyPixels):
        inspect(data, max_pages=3, max_pixels=10**4, max_file_pixels=29_999)


def test_decoding_past_its_time_budget_is_stopped_on_the_way() -> None:
    # the last row is broken: a decoding that reaches it fails (CorruptFile); one stopped by its
    # budget (~1 ms of the ~10 ms the page takes, the clock looked at every 16 KiB) does not
    data = png_broken_tail()
    with pytest.raises(CorruptFile):
        inspect(data, max_pages=1, max_pixels=10**8, decode_timeout=60)
    for seconds in (0.0, 0.001):
        with pytest.raises(DecodeTimeout) as stopped:
            inspect(data, max_pages=1, max_pixels=10**8, decode_timeout=seconds)
        assert stopped.value.http_status == 422
        assert stopped.value.detail["max_seconds"] == seconds


def test_a_tiff_decoded_by_libtiff_in_one_call_is_held_to_the_budget_too() -> None:
    # libtiff is handed the whole file (getvalue), not read in blocks: the clock is looked at
    # before each frame and after it
    frames = [_image((400, 400), c) for c in ("white", "black", "gray")]
    data = _encode(
        frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw"
    )
    with pytest.raises(DecodeTimeout):
        inspect(data, max_pages=3, max_pixels=10**6, decode_timeout=0.0)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP", "TIFF", "HEIF"])
def test_a_normal_file_decodes_within_the_budgets(fmt: str) -> None:
    frames = [_image((1240, 1754), c) for c in ("white", "gray")]  # A4 at 150 dpi
    many = fmt in ("TIFF", "WEBP")
    data = _encode(
        frames[0], fmt, **({"save_all": True, "append_images": frames[1:]} if many else {})
    )
    info = inspect(
        data,
        max_pages=2,
        max_pixels=1240 * 1754,
        max_file_pixels=2 * 1240 * 1754,
        decode_timeout=10,
        assess=True,
    )
    assert info.page_count == (2 if many else 1)
    assert len(info.quality) == info.page_count


def test_a_png_cut_short_is_refused_before_its_page_is_allocated() -> None:
    """Peak memory of a child process that inspects the file: the whole page (356 MB) when it
    is decoded to find the cut, a fraction of it when the chunks are walked first."""
    script = (
        "import resource, sys\n"
        "from ocr.load import inspect\n"
        "from models.errors import CorruptFile\n"
        "data = sys.stdin.buffer.read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    inspect(data, max_pages=1, max_pixels=120_000_000)\n"
        "except CorruptFile:\n"
        "    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=png_cut_short(),
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    grown_kib = int(done.stdout.decode().split()[-1])
    assert grown_kib < 100 * 1024, f"inspecting grew the process by {grown_kib // 1024} MiB"


def test_without_decoding_a_png_is_proved_whole_by_its_checksums() -> None:
    # the backfile's intake: a PNG's pixels are decoded by the worker, not twice
    data = _encode(Image.effect_noise((300, 300), 50).convert("RGB"), "PNG")
    assert inspect(data, max_pages=10, max_pixels=10**7, decode=False).page_count == 1
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0xFF  # a byte of the pixel data: its chunk's CRC no longer holds
    for decode in (True, False):
        with pytest.raises(CorruptFile):
            inspect(bytes(damaged), max_pages=10, max_pixels=10**7, decode=decode)
        with pytest.raises(CorruptFile):
            inspect(data[: len(data) // 2], max_pages=10, max_pixels=10**7, decode=decode)


def test_without_decoding_a_png_whose_checksums_hold_is_not_decoded() -> None:
    # a crafted file: every CRC right, its last row unreadable. Only decoding finds it (the
    # backfile's worker does); the checksums alone take it, which shows nothing was decoded
    data = png_broken_tail(400, 400)
    with pytest.raises(CorruptFile):
        inspect(data, max_pages=10, max_pixels=10**7)
    assert inspect(data, max_pages=10, max_pixels=10**7, decode=False).page_count == 1


def test_without_decoding_other_formats_are_still_decoded() -> None:
    data = _encode(_image((400, 400), "gray"), "JPEG", quality=95)
    with pytest.raises(CorruptFile):
        inspect(data[: len(data) // 2], max_pages=10, max_pixels=10**7, decode=False)
