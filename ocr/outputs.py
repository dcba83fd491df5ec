"""Outputs per document: the searchable PDF (the page image with an invisible text layer on it).

Tesseract renders the text layer alone (`textonly_pdf`) from the same pass that gives the words;
we lay it over the upright colour page (JPEG, its own resolution, ≥ 200 dpi kept: design.md §5)
rather than over the binarised image Tesseract read, which is no copy of the paper.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
    StreamObject,
)

from models.errors import RecognitionError

_JPEG_QUALITY = 85


def page_pdf(colour: Image.Image, text_pdf: bytes | None, *, dpi: float) -> bytes:
    """One PDF page: `colour` at `dpi` (so the page has the paper's size) under the text layer,
    which is scaled from the size Tesseract gave its page to the paper's.

    The image is drawn first into Tesseract's own text page (a new content stream in front of
    its text), which costs no parsing of either, unlike a general page merge.
    """
    image = colour if colour.mode in ("L", "RGB") else colour.convert("RGB")
    if text_pdf is None:
        buffer = io.BytesIO()
        image.save(buffer, "PDF", resolution=dpi, quality=_JPEG_QUALITY)
        return buffer.getvalue()
    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf)))
        page = writer.pages[0]
    except Exception as exc:  # pypdf raises many types on a malformed file; all mean the same here
        raise RecognitionError(detail=f"unreadable text layer: {exc}"[:300]) from exc
    jpeg = io.BytesIO()
    # A JPEG is embedded as is (DCTDecode): a colour page costs ~0.5 MB, not 25 MB raw.
    image.save(jpeg, "JPEG", quality=_JPEG_QUALITY)
    picture = StreamObject()
    picture.set_data(jpeg.getvalue())
    picture.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(image.width),
            NameObject("/Height"): NumberObject(image.height),
            NameObject("/ColorSpace"): NameObject(
                "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
            ),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    # Tesseract sized its page at the resolution it estimated: the paper's size is ours.
    width, height = colour.width * 72 / dpi, colour.height * 72 / dpi
    sx, sy = width / float(page.mediabox.width), height / float(page.mediabox.height)
    page.mediabox = RectangleObject([0, 0, width, height])
    resources = page[NameObject("/Resources")].get_object()
    assert isinstance(resources, DictionaryObject)  # Tesseract's page always has its fonts
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = resources["/XObject"].get_object()
    assert isinstance(xobjects, DictionaryObject)
    xobjects[NameObject("/SohoaScan")] = writer._add_object(picture)
    draw = StreamObject()
    draw.set_data(
        f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /SohoaScan Do Q\n"
        f"q {sx:.6f} 0 0 {sy:.6f} 0 0 cm\n".encode()
    )
    close = StreamObject()
    close.set_data(b"\nQ\n")
    text = page.raw_get("/Contents")  # the reference, not the stream it points to
    texts = list(text.get_object()) if isinstance(text.get_object(), ArrayObject) else [text]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(draw), *texts, writer._add_object(close)]
    )
    return _write(writer)


def document_pdf(pages: Sequence[bytes]) -> bytes:
    """The pages' one-page PDFs joined, in order, into the document's searchable PDF.

    A one-page document is its page's PDF as it is: most papers are one page, and re-parsing and
    re-writing it costs a twentieth of the page's whole recognition for nothing.
    """
    if len(pages) == 1:
        return pages[0]
    writer = PdfWriter()
    for data in pages:
        writer.append(PdfReader(io.BytesIO(data)))
    return _write(writer)


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
