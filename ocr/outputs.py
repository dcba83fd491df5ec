"""A born-digital PDF page copied as a PDF of its own (its text and drawing are the author's).

The searchable PDF of a scanned page is `ocr.pdf_page`; the document's PDF/A is `ocr.pdfa`.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from models.errors import RecognitionError


def _write(writer: PdfWriter) -> bytes:
    writer.pdf_header = "%PDF-1.5"  # design.md §5: a digitized copy is PDF 1.4 or later
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def original_page(data: bytes, number: int) -> bytes:
    """Page `number` of a PDF as a PDF of its own: a born-digital page is its own best copy."""
    writer = PdfWriter()
    try:
        writer.add_page(PdfReader(io.BytesIO(data)).pages[number - 1])
    except Exception as exc:  # pypdf raises many types on a malformed file; all mean the same here
        raise RecognitionError(detail=f"cannot copy PDF page {number}: {exc}"[:300]) from exc
    return _write(writer)
