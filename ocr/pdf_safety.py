"""Refuse PDFs that could hurt us before poppler renders them: active content, locks, bombs.

Poppler never runs a PDF's JavaScript, but a paper that carries some (or a launch action, an
attachment, a web address called on opening) is not a scan, and whoever opens our stored
original later may run it; so we refuse it. Names hidden from a text search (object streams,
`/ASCIIHexDecode`, two Flate layers, `#xx` escapes) are why the check parses the file with a
real parser (pypdf): every object of the cross-reference table, in object streams too, is
resolved and walked, and every stream is decoded with all its filters, under a budget of
objects and decoded bytes so the check is no bomb itself. The raw bytes are searched too, for
objects no cross-reference names (a reader that rebuilds a broken table would find them).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pdf2image
import pdf2image.exceptions
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from models.errors import (
    ActivePdf,
    ContentTooLarge,
    CorruptFile,
    EncryptedPdf,
    PageTooLarge,
    TooManyPages,
)

# Keys that make a PDF do something by itself, or carry something that is not the paper.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# Action types (`/S`) refused wherever they appear: they run code, open programs or files, or
# send the form somewhere. A link to a web page (`/URI`) is allowed in a link annotation (a
# born-digital decree may carry one); refused only where it runs by itself (below).
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
# Keys whose actions run without a click: on opening (`/OpenAction`) and on events (`/AA`).
_AUTOMATIC = frozenset({"/OpenAction", "/AA"})
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_RAW_ACTIVE = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles"})

_DECODE_BUDGET = 64 * 1024 * 1024
"""Bytes all of one PDF's streams may decode to while checked (a scan's are far smaller)."""
_OBJECT_BUDGET = 200_000
"""Objects one PDF may hold (a 200-page scan has under 2 000)."""

logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns on every damaged scan


def check_pdf(data: bytes, *, max_pages: int, max_pixels: int, dpi: int, timeout: float) -> int:
    """Return the page count of a PDF we are willing to render, or raise our error."""
    refuse_active_content(data)
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
        # poppler's own words stay in the log: its stderr names temporary paths
        logging.getLogger(__name__).info("poppler refused a PDF: %s", str(exc)[:300])
        raise CorruptFile(detail={"reason": "poppler could not read the PDF"}) from exc


def _points(size: str) -> tuple[float, float]:
    # "612 x 792 pts (letter)"
    try:
        width, _, rest = size.partition(" x ")
        return float(width), float(rest.split()[0])
    except (ValueError, IndexError) as exc:
        raise CorruptFile(detail=f"page size {size!r}") from exc


def refuse_active_content(data: bytes) -> None:
    """ActivePdf when any object of the PDF acts by itself or carries something not a paper."""
    _scan_raw_names(data)
    reader = _reader(data)
    budget = [_DECODE_BUDGET]
    for value in _objects(reader):
        _check_object(value, budget)


def _reader(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPdf()
    except EncryptedPdf:
        raise
    except FileNotDecryptedError as exc:
        raise EncryptedPdf() from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # a file pypdf cannot parse is one we cannot vouch for: poppler's opinion is not asked
        raise CorruptFile(detail={"reason": "the PDF structure cannot be read"}) from exc
    return reader


def _objects(reader: PdfReader) -> Iterator[Any]:
    """Every object the cross-reference tables name, those in object streams included."""
    numbers: set[tuple[int, int]] = set()
    try:
        for generation, table in reader.xref.items():
            numbers.update((number, generation) for number in table)
        numbers.update((number, 0) for number in reader.xref_objStm)
        yield reader.trailer
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptFile(detail={"reason": "the PDF structure cannot be read"}) from exc
    if len(numbers) > _OBJECT_BUDGET:
        raise ContentTooLarge(detail={"objects": len(numbers), "max": _OBJECT_BUDGET})
    for number, generation in sorted(numbers):
        try:
            value = reader.get_object(IndirectObject(number, generation, reader))
        except EncryptedPdf:
            raise
        except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue  # a damaged object: nothing in it can act; poppler judges the rest
        if value is not None:
            yield value


def _check_object(value: Any, budget: list[int], depth: int = 0) -> None:
    if depth > 64:
        raise CorruptFile(detail={"reason": "objects nested too deeply"})
    if isinstance(value, DictionaryObject):
        _check_dictionary(value, budget, depth)
    elif isinstance(value, ArrayObject):
        for item in value:
            if not isinstance(item, IndirectObject):  # indirect ones are walked on their own
                _check_object(item, budget, depth + 1)
    elif isinstance(value, NameObject) and str(value) in _ACTIVE_KEYS:
        raise ActivePdf(detail={"name": str(value)})


def _check_dictionary(value: DictionaryObject, budget: list[int], depth: int) -> None:
    for key, item in value.items():
        if key in _ACTIVE_KEYS:
            raise ActivePdf(detail={"name": str(key)})
        if key in _AUTOMATIC:
            _check_automatic(key, item)
        if not isinstance(item, IndirectObject):
            _check_object(item, budget, depth + 1)
    action = value.get("/S")
    if isinstance(action, NameObject) and str(action) in _ACTIVE_ACTIONS:
        raise ActivePdf(detail={"action": str(action)})
    if isinstance(value, StreamObject):
        _check_stream(value, budget)


def _check_automatic(key: str, item: Any) -> None:
    """What runs by itself may only move within the document (a destination, a /GoTo)."""
    target = item.get_object() if isinstance(item, IndirectObject) else item
    if isinstance(target, ArrayObject):
        return  # an explicit destination: the page it opens at
    if not isinstance(target, DictionaryObject):
        return
    actions = (
        [target]
        if key == "/OpenAction"
        else [a.get_object() if isinstance(a, IndirectObject) else a for a in target.values()]
    )
    for action in actions:
        if not isinstance(action, DictionaryObject):
            continue
        kind = action.get("/S")
        if kind is not None and str(kind) != "/GoTo":
            raise ActivePdf(detail={"name": key, "action": str(kind)})


def _check_stream(stream: StreamObject, budget: list[int]) -> None:
    try:
        decoded = stream.get_data()
    except LimitReachedError as exc:
        raise ContentTooLarge(detail={"reason": "a stream inflates past its limit"}) from exc
    except Exception:  # any filter's own error: undecodable, it carries no name a reader reads
        return
    budget[0] -= len(decoded)
    if budget[0] < 0:
        raise ContentTooLarge(detail={"inflated_over": _DECODE_BUDGET})
    subtype = stream.get("/Subtype")
    if subtype is not None and str(subtype) == "/Image":
        return  # pixels, not syntax
    _scan_raw_names(decoded)


def _scan_raw_names(chunk: bytes) -> None:
    for match in _NAME.finditer(chunk):
        name = match.group(1)
        if b"#" in name:
            name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
        if name in _RAW_ACTIVE:
            raise ActivePdf(detail={"name": name.decode("latin-1")})


__all__ = ["check_pdf", "refuse_active_content"]
