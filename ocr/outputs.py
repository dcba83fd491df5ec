"""Outputs per document: the searchable PDF (the page image with an invisible text layer on it).

Tesseract renders the text layer alone (`textonly_pdf`) from the same pass that gives the words;
we lay it over the upright colour page (JPEG, its own resolution, ≥ 200 dpi kept: design.md §5)
rather than over the binarised image Tesseract read, which is no copy of the paper.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pypdf import PdfReader, PdfWriter, Transformation

from models.errors import RecognitionError

_JPEG_QUALITY = 85


def page_pdf(colour: Image.Image, text_pdf: bytes | None, *, dpi: float) -> bytes:
    """One PDF page: `colour` at `dpi` (so the page has the paper's size) under the text layer."""
    buffer = io.BytesIO()
    image = colour if colour.mode in ("L", "RGB") else colour.convert("RGB")
    # Pillow embeds a JPEG as is (DCTDecode): the colour page costs ~0.5 MB, not 25 MB raw.
    image.save(buffer, "PDF", resolution=dpi, quality=_JPEG_QUALITY)
    if text_pdf is None:
        return buffer.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    page = writer.pages[0]
    try:
        text_page = PdfReader(io.BytesIO(text_pdf)).pages[0]
    except Exception as exc:  # pypdf raises many types on a malformed file; all mean the same here
        raise RecognitionError(detail=f"unreadable text layer: {exc}"[:300]) from exc
    # Both pages describe the same sheet; scale the text layer if rounding made them differ.
    sx = float(page.mediabox.width) / float(text_page.mediabox.width)
    sy = float(page.mediabox.height) / float(text_page.mediabox.height)
    page.merge_transformed_page(text_page, Transformation().scale(sx, sy))
    return _write(writer)


def document_pdf(pages: Sequence[bytes]) -> bytes:
    """The pages' one-page PDFs joined, in order, into the document's searchable PDF."""
    writer = PdfWriter()
    for data in pages:
        writer.append(PdfReader(io.BytesIO(data)))
    return _write(writer)


def _write(writer: PdfWriter) -> bytes:
    writer.pdf_header = "%PDF-1.5"  # design.md §5: a digitized copy is PDF 1.4 or later
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
