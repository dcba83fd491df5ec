"""One page of the searchable PDF: the page's picture under its stored words, drawn invisibly.

Made in the worker that read the page (`ocr.pipeline`); `ocr.pdfa.write` joins the pages into
the document's PDF/A. How the picture is embedded (the smallest that loses nothing the scan had):
- a JPEG scan whose page was not changed (no turn, skew or flattening, no EXIF turn): the same
  JPEG bytes (DCTDecode), no re-encoding, no second loss;
- a 1-bit (black and white) page: CCITT G4, lossless, via Pillow's group4 TIFF encoder;
- a page of a lossless scan (PNG, TIFF): Flate with PNG row predictors (Pillow's PNG encoder,
  its IDAT data as PDF reads it), or, when the operator asks (`OcrOptions.pdf_jpeg_scans`),
  JPEG at quality 92;
- anything else (a changed JPEG page, a PDF page rendered for recognition): JPEG, quality 85,
  as before PDF/A.
No transparency anywhere: no soft masks, no groups, no annotations."""

from __future__ import annotations

import io
from collections.abc import Sequence
from enum import StrEnum

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image, TiffImagePlugin

from models.recognition import Word
from ocr.formats import BMP, JPEG, PNG, TIFF, sniff
from ocr.pdf_text import FONT_NAME, add_font, text_layer

JPEG_QUALITY = 85
JPEG_QUALITY_LOSSLESS_SOURCE = 92
_IMAGE = "/SohoaScan"


class Source(StrEnum):
    """What the page's picture came from: decides how it is embedded."""

    JPEG = "jpeg"
    LOSSLESS = "lossless"
    OTHER = "other"


def source_of(scan: bytes | None, *, unchanged: bool) -> tuple[Source, bytes | None]:
    """How a page of the file `scan` is embedded, and the file itself when it can be: a JPEG
    whose page is `unchanged` (nothing undone on it) and shows as decoded (no EXIF turn)."""
    kind = sniff(scan[:1024]) if scan is not None else None
    if kind is JPEG and scan is not None:
        with Image.open(io.BytesIO(scan)) as probe:
            upright = int(probe.getexif().get(0x0112, 1)) == 1
        return Source.JPEG, scan if unchanged and upright else None
    return (Source.LOSSLESS if kind in (PNG, TIFF, BMP) else Source.OTHER), None


def page(
    colour: Image.Image,
    words: Sequence[Word],
    *,
    dpi: float,
    size: tuple[int, int],
    source: Source = Source.OTHER,
    original: bytes | None = None,
    jpeg_lossless_scans: bool = False,
) -> bytes:
    """One PDF page: `colour` at `dpi` under `words` drawn invisibly; `size` is the size of
    the image the word boxes refer to. `original` is the JPEG file when the page is unchanged."""
    pdf = pikepdf.Pdf.new()
    width, height = colour.width * 72 / dpi, colour.height * 72 / dpi
    picture = _picture(pdf, colour, source, original, jpeg_lossless_scans)
    draw = f"q {width:.3f} 0 0 {height:.3f} 0 0 cm {_IMAGE} Do Q\n".encode()
    text = text_layer(words, scale_x=width / size[0], scale_y=height / size[1], height=height)
    resources = Dictionary(XObject=Dictionary({_IMAGE: picture}))
    if words:
        resources.Font = Dictionary({FONT_NAME: add_font(pdf)})
    pdf.pages.append(
        pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, width, height]),
                Resources=resources,
                Contents=pdf.make_stream(draw + (text if words else b"")),
            )
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _picture(
    pdf: pikepdf.Pdf,
    colour: Image.Image,
    source: Source,
    original: bytes | None,
    jpeg_lossless_scans: bool,
) -> pikepdf.Object:
    if original is not None and source is Source.JPEG:
        with Image.open(io.BytesIO(original)) as probe:
            if probe.mode in ("RGB", "L") and probe.size == colour.size:
                return _jpeg(pdf, original, probe.size, probe.mode)
    if _bilevel(colour):
        return _g4(pdf, colour)
    image = colour if colour.mode in ("L", "RGB") else colour.convert("RGB")
    if source is Source.LOSSLESS and not jpeg_lossless_scans:
        return _flate(pdf, image)
    quality = JPEG_QUALITY_LOSSLESS_SOURCE if source is Source.LOSSLESS else JPEG_QUALITY
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return _jpeg(pdf, buffer.getvalue(), image.size, image.mode)


def _xobject(
    pdf: pikepdf.Pdf, data: bytes, size: tuple[int, int], **entries: object
) -> pikepdf.Object:
    stream = pikepdf.Stream(pdf, data)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width, stream.Height = size
    for key, value in entries.items():
        stream[f"/{key}"] = value
    return pdf.make_indirect(stream)


def _colour_space(mode: str) -> Name:
    return Name.DeviceRGB if mode == "RGB" else Name.DeviceGray


def _jpeg(pdf: pikepdf.Pdf, data: bytes, size: tuple[int, int], mode: str) -> pikepdf.Object:
    return _xobject(
        pdf, data, size, ColorSpace=_colour_space(mode), BitsPerComponent=8, Filter=Name.DCTDecode
    )


def _bilevel(image: Image.Image) -> bool:
    if image.mode == "1":
        return True
    if image.mode != "L":
        return False
    histogram = image.histogram()
    return sum(histogram[1:255]) == 0


def _g4(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Object:
    """CCITT G4 from Pillow's TIFF encoder, the whole page as one strip."""
    bits = image if image.mode == "1" else image.point(lambda v: 255 if v > 127 else 0).convert("1")
    buffer = io.BytesIO()
    bits.save(buffer, "TIFF", compression="group4", tiffinfo={278: bits.height})
    with Image.open(buffer) as tiff:
        assert isinstance(tiff, TiffImagePlugin.TiffImageFile)
        offsets, counts = tiff.tag_v2[273], tiff.tag_v2[279]
        white_is_zero = tiff.tag_v2.get(262) == 0
    assert len(offsets) == 1, "one strip asked for"
    data = buffer.getvalue()[offsets[0] : offsets[0] + counts[0]]
    params = Dictionary(K=-1, Columns=bits.width, Rows=bits.height, BlackIs1=not white_is_zero)
    return _xobject(
        pdf,
        data,
        bits.size,
        ColorSpace=Name.DeviceGray,
        BitsPerComponent=1,
        Filter=Name.CCITTFaxDecode,
        DecodeParms=params,
    )


def _flate(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Object:
    """The image's PNG data (Flate with PNG row predictors), as PDF reads it without change."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    png, idat, at = buffer.getvalue(), [], 8
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        if png[at + 4 : at + 8] == b"IDAT":
            idat.append(png[at + 8 : at + 8 + length])
        at += 12 + length
    colours = 3 if image.mode == "RGB" else 1
    params = Dictionary(Predictor=15, Colors=colours, BitsPerComponent=8, Columns=image.width)
    return _xobject(
        pdf,
        b"".join(idat),
        image.size,
        ColorSpace=_colour_space(image.mode),
        BitsPerComponent=8,
        Filter=Name.FlateDecode,
        DecodeParms=params,
    )
