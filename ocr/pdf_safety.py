"""Refuse PDFs that could hurt us before poppler renders them: active content, locks, bombs.

Poppler never runs a PDF's JavaScript, but a paper that carries some (or a launch action) is not
a scan, and whoever opens our stored original later may run it; so we refuse it. The check reads
names in the raw bytes and in every Flate stream (object streams hide dictionaries there),
decoding `#xx` escapes, with a bounded inflation budget so the check is no bomb itself.
"""

from __future__ import annotations

import re
import zlib

import pdf2image
import pdf2image.exceptions

from models.errors import (
    ActivePdf,
    ContentTooLarge,
    CorruptFile,
    EncryptedPdf,
    PageTooLarge,
    TooManyPages,
)

_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch"})
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_STREAM = re.compile(rb"stream\r?\n")
_INFLATE_BUDGET = 64 * 1024 * 1024


def check_pdf(data: bytes, *, max_pages: int, max_pixels: int, dpi: int, timeout: float) -> int:
    """Return the page count of a PDF we are willing to render, or raise our error."""
    _refuse_active_content(data)
    info = _pdfinfo(data, timeout=timeout)
    pages = int(str(info.get("Pages", 0)))
    if pages > max_pages:
        raise TooManyPages(detail={"pages": pages, "max_pages": max_pages})
    if pages:
        sizes = _pdfinfo(data, timeout=timeout, first_page=1, last_page=pages)
        for key, value in sizes.items():
            if key.startswith("Page") and key.endswith("size"):
                width_pt, height_pt = _points(str(value))
                pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
                if pixels > max_pixels:
                    raise PageTooLarge(
                        detail={
                            "page": key,
                            "size_pt": value,
                            "pixels": int(pixels),
                            "max": max_pixels,
                        }
                    )
    return pages


def _pdfinfo(
    data: bytes, *, timeout: float, first_page: int | None = None, last_page: int | None = None
) -> dict[str, object]:
    try:
        if first_page is None or last_page is None:
            return dict(pdf2image.pdfinfo_from_bytes(data, timeout=int(timeout)))
        return dict(
            pdf2image.pdfinfo_from_bytes(
                data, timeout=int(timeout), first_page=first_page, last_page=last_page
            )
        )
    except pdf2image.exceptions.PDFPopplerTimeoutError as exc:
        raise CorruptFile("Không đọc được tệp PDF trong thời gian cho phép") from exc
    except (
        pdf2image.exceptions.PDFPageCountError,
        pdf2image.exceptions.PDFSyntaxError,
        ValueError,
        KeyError,
    ) as exc:
        if b"/Encrypt" in data and "password" in str(exc).lower():
            raise EncryptedPdf() from exc
        raise CorruptFile(detail=str(exc).strip()[:300]) from exc


def _points(size: str) -> tuple[float, float]:
    # "612 x 792 pts (letter)"
    try:
        width, _, rest = size.partition(" x ")
        return float(width), float(rest.split()[0])
    except (ValueError, IndexError) as exc:
        raise CorruptFile(detail=f"page size {size!r}") from exc


def _refuse_active_content(data: bytes) -> None:
    for chunk in _inflated_streams(data):
        _scan_names(chunk)
    _scan_names(data)


def _scan_names(chunk: bytes) -> None:
    for match in _NAME.finditer(chunk):
        name = match.group(1)
        if b"#" in name:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        if name in _ACTIVE_NAMES:
            raise ActivePdf(detail={"name": name.decode("latin-1")})


def _inflated_streams(data: bytes) -> list[bytes]:
    budget = _INFLATE_BUDGET
    found: list[bytes] = []
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[start:end], budget + 1)
        except zlib.error:
            continue  # not Flate, or damaged: poppler will judge; names in it cannot hide
        budget -= len(chunk)
        if budget < 0:
            raise ContentTooLarge(detail={"inflated_over": _INFLATE_BUDGET})
        found.append(chunk)
    return found
