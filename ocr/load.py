"""Decode a scan (JPEG, PNG, TIFF incl. multi-page, BMP, WebP, HEIC, PDF) into page images.

Decoding is also how intake proves a file is whole: a truncated JPEG opens (its header is fine)
but fails to decode, so `inspect` decodes every page once before anything is stored. What that
may cost is bounded first from the headers (pages, pixels of a page, pixels of the file), then
by a budget of seconds while decoding (`ocr.decode`).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pdf2image
import pdf2image.exceptions
import pillow_heif
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from models.errors import CorruptFile, NotFound, PageTooLarge, TooManyPages, TooManyPixels
from models.recognition import QualityVerdict
from ocr.decode import BLOCK, ClockedBytes, DecodeBudget
from ocr.formats import PDF, FileFormat, sniff
from ocr.options import OcrOptions
from ocr.pdf_safety import check_pdf
from ocr.quality import assess as assess_page

# HEIC (iPhone photos) opens through Pillow like the others; its thumbnails, depth maps and
# auxiliary images are never wanted here.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

_EXIF_ORIENTATION = 0x0112
_REPR = re.compile(r"<[^<>]*\bat 0x[0-9a-fA-F]+>")


def _reason(exc: BaseException) -> dict[str, str]:
    """An error's message fit for a clerk's screen: no `<_io.BytesIO object at 0x…>`, no
    temporary paths (the decoders' and poppler's own words name them)."""
    text = _REPR.sub("the file", str(exc))
    text = re.sub(r"(?:/[\w.-]+){2,}/?", "<path>", text)
    return {"reason": text[:200]}


@dataclass(frozen=True)
class FileInfo:
    format: FileFormat
    page_count: int
    quality: tuple[QualityVerdict | None, ...] = ()
    """With `assess`: each page's verdict; None for PDF pages (judged when rendered, later)."""


def inspect(
    data: bytes,
    *,
    max_pages: int,
    max_pixels: int,
    pdf_timeout: float = 60,
    pdf_dpi: int = 300,
    assess: bool = False,
    max_file_pixels: int | None = None,
    decode_timeout: float | None = None,
    decode: bool = True,
) -> FileInfo:
    """Sniff and fully decode a file once; return its format and page count or raise our error.

    With `assess`, each decoded image page also gets its quality verdict on the way (~0.1 s a
    page): intake shows it to the clerk at once. PDF pages are not rendered here, too slow.

    An image file's pages together may hold `max_file_pixels` (TooManyPixels, from the
    headers, before decoding) and take `decode_timeout` seconds to decode (DecodeTimeout, the
    decoding stopped); None leaves either unbounded. PDFs have poppler's `pdf_timeout`.

    `decode=False` (without `assess`) proves a PNG whole by its chunks' checksums instead of
    decoding it: the backfile, whose worker decodes every page anyway. Decoding a 200 dpi A4
    PNG took ~30 ms against ~1 ms for its checksums, in the one process that feeds every
    worker. What checksums cannot see (pixel rows a crafted file's own checksums cover) fails
    in the worker instead, and lands in the backfile's report all the same. Other formats are
    decoded: a JPEG's decoding is already cheap (~8 ms a page), a TIFF's or WebP's has no
    checksum to read instead.
    """
    fmt = sniff(data[:1024])
    verdicts: list[QualityVerdict | None] = []
    if fmt is PDF:
        count = check_pdf(
            data, max_pages=max_pages, max_pixels=max_pixels, dpi=pdf_dpi, timeout=pdf_timeout
        )
        verdicts = [None] * count if assess else []
    else:
        # Headers first: a count or a size past the limits costs no decoding (a 267 KB TIFF of
        # 201 frames decoded every frame before its count was known).
        check_image_headers(
            data, max_pages=max_pages, max_pixels=max_pixels, max_file_pixels=max_file_pixels
        )
        count = 0
        if not decode and not assess and data.startswith(b"\x89PNG"):
            count = _check_png_checksums(data)
        else:
            budget = None if decode_timeout is None else DecodeBudget(decode_timeout)
            for page in _image_frames(data, max_pixels=max_pixels, budget=budget):
                count += 1
                if assess and count <= max_pages:
                    verdicts.append(assess_page(page))
    if count == 0:
        raise CorruptFile(detail="no page in file")
    if count > max_pages:
        raise TooManyPages(detail={"pages": count, "max_pages": max_pages})
    return FileInfo(fmt, count, tuple(verdicts))


_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3, "LAB": 3}
"""What one pixel of a mode takes decoded (4 for the rest: RGBA, CMYK, I, F)."""


def check_image_headers(
    data: bytes, *, max_pages: int, max_pixels: int, max_file_pixels: int | None = None
) -> int:
    """Count an image file's pages and size each from its headers alone; return the count.

    Raises TooManyPages, PageTooLarge or TooManyPixels before a pixel is decoded, and
    CorruptFile for a PNG cut short (its chunks run past the end): decoding one would allocate
    the whole page first. The memory of one page's decoding is bounded by `max_pixels` RGB
    pixels (3 bytes each): a page of a wider mode (RGBA, CMYK, 16-bit) is held to the same
    bytes. The work of decoding the file is bounded by `max_file_pixels`, its pages' pixels
    summed: 200 pages each under the page cap are still 200 pages to decode.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            count = int(getattr(image, "n_frames", 1))
            if count > max_pages:
                raise TooManyPages(detail={"pages": count, "max_pages": max_pages})
            # Only TIFF frames differ in size, and only TIFF seeks by reading a header.
            sized = count if image.format == "TIFF" else 1
            total = 0
            for index in range(sized):
                if index:
                    image.seek(index)
                width, height = image.size
                total += width * height * (1 if sized > 1 else count)
                weight = _BYTES_PER_PIXEL.get(image.mode, 4)
                if width * height > max_pixels or width * height * weight > 3 * max_pixels:
                    raise PageTooLarge(
                        detail={
                            "page": index + 1,
                            "width": width,
                            "height": height,
                            "mode": image.mode,
                            "max": max_pixels,
                        }
                    )
                if max_file_pixels is not None and total > max_file_pixels:
                    raise TooManyPixels(
                        detail={"pages": count, "pixels_at_least": total, "max": max_file_pixels}
                    )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptFile(detail=_reason(exc)) from exc
    except Image.DecompressionBombError as exc:
        raise PageTooLarge(detail=_reason(exc)) from exc
    if data.startswith(b"\x89PNG"):
        _check_png_chunks(data)
    return count


def _check_png_chunks(data: bytes) -> None:
    """Walk a PNG's chunks (lengths only): it must reach IEND inside the file."""
    offset = 8
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        offset += 12 + length
        if kind == b"IEND":
            if offset <= len(data):
                return
            break
    raise CorruptFile(detail={"reason": "PNG cut short: no end chunk"})


def _check_png_checksums(data: bytes) -> int:
    """Every chunk's CRC (Pillow's `verify`), no pixel decoded; the PNG's frame count."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            count = int(getattr(image, "n_frames", 1))
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptFile(detail=_reason(exc)) from exc
    except Image.DecompressionBombError as exc:
        raise PageTooLarge(detail=_reason(exc)) from exc
    return count


def iter_pages(
    data: bytes, *, dpi: int, max_pixels: int, timeout: float = 120
) -> Iterator[Image.Image]:
    """Yield the file's pages as RGB or L images, one at a time, with EXIF orientation applied."""
    fmt = sniff(data[:1024])
    if fmt is PDF:
        count = _pdf_page_count(data, timeout=timeout)
        for number in range(1, count + 1):
            yield _pdf_page(data, number, dpi=dpi, timeout=timeout)
    else:
        yield from _image_frames(data, max_pixels=max_pixels)


def page_count(data: bytes, *, timeout: float = 60) -> int:
    """How many pages a file has (decoding headers only where the format allows)."""
    fmt = sniff(data[:1024])
    if fmt is PDF:
        return _pdf_page_count(data, timeout=timeout)
    try:
        with Image.open(io.BytesIO(data)) as image:
            return int(getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(detail=_reason(exc)) from exc


def page_at(
    data: bytes, number: int, *, dpi: int, max_pixels: int, timeout: float = 120
) -> Image.Image:
    """Page `number` (from 1) alone, the others neither rendered nor decoded: what one task of
    a process pool, or one preview, needs. NotFound when the file has no such page."""
    fmt = sniff(data[:1024])
    if fmt is PDF:
        if number > _pdf_page_count(data, timeout=timeout):
            raise NotFound("Không có trang này", detail={"page": number})
        return _pdf_page(data, number, dpi=dpi, timeout=timeout)
    for page in _image_frames(data, max_pixels=max_pixels, only=number):
        return page
    raise NotFound("Không có trang này", detail={"page": number})


def _image_frames(
    data: bytes, *, max_pixels: int, only: int | None = None, budget: DecodeBudget | None = None
) -> Iterator[Image.Image]:
    """Every frame decoded in turn; with `only`, that frame (from 1) alone, reached by seeking
    (a TIFF's frames are found by their headers, not decoded on the way). With `budget`, the
    decoding of all frames stops once it has spent the budget's seconds (DecodeTimeout)."""
    try:
        with warnings.catch_warnings():
            # We enforce our own pixel limit below, before decoding; Pillow's warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if budget is None:
                image = Image.open(io.BytesIO(data))
            else:
                image = Image.open(ClockedBytes(data, budget))
                # smaller blocks: the clock is looked at between them
                image.decodermaxblock = BLOCK
            frames: Iterator[Image.Image] = ImageSequence.Iterator(image)
            if only is not None:
                if not 1 <= only <= int(getattr(image, "n_frames", 1)):
                    return
                image.seek(only - 1)
                frames = iter([image])
            for frame in frames:
                if frame.width * frame.height > max_pixels:
                    raise PageTooLarge(
                        detail={"width": frame.width, "height": frame.height, "max": max_pixels}
                    )
                if budget is None:
                    frame.load()
                else:
                    with budget.running():
                        frame.load()
                # Turning copies the page: only when the EXIF orientation asks for it.
                turned = frame.getexif().get(_EXIF_ORIENTATION, 1) not in (1, None)
                page = ImageOps.exif_transpose(frame) if turned else frame
                dpi = frame.info.get("dpi")
                mode = "L" if page.mode in ("1", "L", "I;16", "I", "F") else "RGB"
                if page.mode != mode:
                    page = page.convert(mode)
                elif page is frame and getattr(image, "n_frames", 1) > 1:
                    page = frame.copy()  # the next frame is read into this same object
                # (a one-page file is yielded as decoded: convert() would copy it, a page's worth)
                if dpi:
                    page.info["dpi"] = dpi  # sizes the searchable PDF's page
                yield page
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(detail=_reason(exc)) from exc
    except Image.DecompressionBombError as exc:
        raise PageTooLarge(detail=_reason(exc)) from exc


def _pdf_page_count(data: bytes, *, timeout: float) -> int:
    # The CLI and the worker may be handed PDFs no intake checked: every PDF path goes through
    # the same safety check (active content, locks, page sizes at recognition's resolution).
    defaults = OcrOptions()
    return check_pdf(
        data,
        max_pages=10**6,
        max_pixels=defaults.max_pixels,
        dpi=defaults.pdf_dpi,
        timeout=timeout,
    )


def _pdf_page(data: bytes, number: int, *, dpi: int, timeout: float) -> Image.Image:
    try:
        pages = pdf2image.convert_from_bytes(
            data, dpi=dpi, first_page=number, last_page=number, timeout=int(timeout)
        )
    except pdf2image.exceptions.PDFPopplerTimeoutError as exc:
        raise CorruptFile("Không đọc được trang PDF trong thời gian cho phép") from exc
    except (pdf2image.exceptions.PDFInfoNotInstalledError, OSError, ValueError) as exc:
        raise CorruptFile(detail=_reason(exc)) from exc
    if not pages:
        raise CorruptFile(detail=f"page {number} did not render")
    page = pages[0].convert("RGB")
    page.info["dpi"] = (dpi, dpi)
    return page
