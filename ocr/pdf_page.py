"""One page of the searchable PDF: the page's picture under its stored words, drawn invisibly.

Made in the worker that read the page (`ocr.pipeline`); `ocr.pdfa.write` joins the pages into
the document's PDF/A. How the picture is embedded (the smallest that loses nothing the scan had):
- a JPEG scan whose page was not flattened and has no EXIF turn: the same JPEG bytes
  (DCTDecode, Huffman-coded on top when smaller), no re-encoding, no second loss; a turn or
  deskew is drawn by the PDF (`Placement`);
- a 1-bit (black and white) page: CCITT G4, lossless, via Pillow's group4 TIFF encoder;
- a page of a lossless scan: Flate with PNG row predictors (PNG image data, which PDF reads
  as it is): an 8-bit grey or RGB PNG's own data (its IDAT chunks) or Pillow's quick encoding
  (level 3), whichever is smaller; another (TIFF, BMP, a flattened page) by Pillow at level 6;
  or, when the operator asks (`OcrOptions.pdf_jpeg_scans`), JPEG at quality 92;
- anything else (a flattened photo, a PDF page rendered for recognition): JPEG, quality 85,
  as before PDF/A.
No transparency anywhere: no soft masks, no groups, no annotations."""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image, TiffImagePlugin

from models.recognition import PagePose, Word
from ocr.formats import BMP, JPEG, PNG, TIFF, sniff
from ocr.pdf_text import FONT_NAME, add_font, text_layer

JPEG_QUALITY = 85
JPEG_QUALITY_LOSSLESS_SOURCE = 92
_IMAGE = "/SohoaScan"
SKEW_APPLIED = 0.05
"""Degrees under which `ocr.geometry.rotate` leaves a page as it is."""


class Source(StrEnum):
    """What the page's picture came from: decides how it is embedded."""

    JPEG = "jpeg"
    LOSSLESS = "lossless"
    OTHER = "other"


def source_of(scan: bytes | None, *, unchanged: bool) -> tuple[Source, bytes | None]:
    """How a page of the file `scan` is embedded, and the file itself when its data can be
    embedded as it is: a JPEG or PNG whose page is drawn `unchanged` (its pixels as decoded;
    the PDF may turn it) and shows as decoded (no EXIF turn)."""
    kind = sniff(scan[:1024]) if scan is not None else None
    source = (
        Source.JPEG
        if kind is JPEG
        else Source.LOSSLESS
        if kind in (PNG, TIFF, BMP)
        else Source.OTHER
    )
    if scan is None or kind not in (JPEG, PNG) or not unchanged:
        return source, None
    if kind is PNG and b"eXIf" not in scan:
        return source, scan  # no EXIF, no turn (Pillow reads a PNG's whole data to look)
    with Image.open(io.BytesIO(scan)) as probe:
        upright = int(probe.getexif().get(0x0112, 1)) == 1
    return source, scan if upright else None


@dataclass(frozen=True)
class Placement:
    """How a scan's page lies on the upright page: turned counter-clockwise by `turn` (a right
    angle), then by `skew` degrees about its centre on a canvas grown to keep its corners, as
    `ocr.geometry.apply_pose` turns it. The PDF draws the scan itself this way (the viewer turns
    it), so a deskewed page keeps the scan's own pixels, and a JPEG scan its own bytes."""

    turn: int = 0
    skew: float = 0.0

    def canvas(self, width: int, height: int) -> tuple[int, int]:
        """The upright page's size in pixels, for a scan of `width` × `height`."""
        if self.turn % 180:
            width, height = height, width
        if abs(self.skew) < SKEW_APPLIED:
            return width, height
        cos, sin = abs(math.cos(math.radians(self.skew))), abs(math.sin(math.radians(self.skew)))
        return int(height * sin + width * cos), int(height * cos + width * sin)

    def fits(self, width: int, height: int, canvas: tuple[int, int]) -> bool:
        """Whether a scan of `width` × `height` placed so is the page `canvas` (to a pixel or
        two: the skew is kept to a hundredth of a degree)."""
        mine = self.canvas(width, height)
        return abs(mine[0] - canvas[0]) <= 2 and abs(mine[1] - canvas[1]) <= 2

    def matrix(
        self, width: int, height: int, scale: float, canvas: tuple[int, int]
    ) -> tuple[float, ...]:
        """The `cm` drawing a `width` × `height` image onto the upright page of `canvas`
        pixels, `scale` points a pixel: where the image's unit square goes, from three of its
        corners."""
        page_w, page_h = canvas
        turned_w, turned_h = (height, width) if self.turn % 180 else (width, height)
        angle = math.radians(self.skew if abs(self.skew) >= SKEW_APPLIED else 0.0)

        def place(u: float, v: float) -> tuple[float, float]:
            x, y = u * width, (1 - v) * height  # image pixels, y down
            turn = self.turn % 360
            if turn == 90:
                x, y = y, width - x
            elif turn == 180:
                x, y = width - x, height - y
            elif turn == 270:
                x, y = height - y, x
            # counter-clockwise on the screen about the centres (y runs down)
            dx, dy = x - turned_w / 2, y - turned_h / 2
            x = page_w / 2 + dx * math.cos(angle) + dy * math.sin(angle)
            y = page_h / 2 - dx * math.sin(angle) + dy * math.cos(angle)
            return x * scale, (page_h - y) * scale

        ox, oy = place(0, 0)
        ax, ay = place(1, 0)
        bx, by = place(0, 1)
        return (ax - ox, ay - oy, bx - ox, by - oy, ox, oy)


def scan_page(
    scan_image: Image.Image,
    upright: Image.Image,
    pose: PagePose,
    words: Sequence[Word],
    *,
    dpi: float,
    size: tuple[int, int],
    scan: bytes | None,
    jpeg_lossless_scans: bool = False,
) -> bytes:
    """The PDF page of a recognised scan: `scan_image` (the file's page as decoded) drawn as
    recognition turned it (`pose`) when only turned and deskewed, else `upright` (the page as
    recognition made it, e.g. a flattened photo) as it is; `scan` is the file."""
    placement = Placement(turn=pose.turn, skew=pose.skew)
    picture = scan_image
    if pose.flattened or not placement.fits(*scan_image.size, upright.size):
        picture, placement = upright, Placement()
    source, original = source_of(scan, unchanged=picture is scan_image)
    return page(
        picture,
        words,
        dpi=dpi,
        size=size,
        placement=placement,
        canvas=upright.size,
        source=source,
        original=original,
        jpeg_lossless_scans=jpeg_lossless_scans,
    )


def page(
    picture: Image.Image,
    words: Sequence[Word],
    *,
    dpi: float,
    size: tuple[int, int],
    placement: Placement | None = None,
    canvas: tuple[int, int] | None = None,
    source: Source = Source.OTHER,
    original: bytes | None = None,
    jpeg_lossless_scans: bool = False,
) -> bytes:
    """One PDF page: `picture` at `dpi`, placed upright (`placement`; None: it is upright) on
    a page of `canvas` pixels (None: as placed), under `words` drawn invisibly; `size` is the
    size of the image the word boxes refer to.
    `original` is the JPEG file `picture` was decoded from, when it is that file's page as is."""
    pdf = pikepdf.Pdf.new()
    placement = placement or Placement()
    scale = 72 / dpi
    canvas = canvas or placement.canvas(*picture.size)
    width, height = canvas[0] * scale, canvas[1] * scale
    image = _picture(pdf, picture, source, original, jpeg_lossless_scans)
    cm = " ".join(f"{v:.4f}" for v in placement.matrix(*picture.size, scale, canvas))
    draw = f"q {cm} cm {_IMAGE} Do Q\n".encode()
    text = text_layer(words, scale_x=width / size[0], scale_y=height / size[1], height=height)
    resources = Dictionary(XObject=Dictionary({_IMAGE: image}))
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
        own = _png_data(original, colour.size) if original is not None else None
        # The file's own data as it is, as img2pdf (OCRmyPDF) embeds a PNG: encoding the page
        # again to try for a smaller one cost 0.2-0.5 s of CPU a page, a third of Tesseract's
        # time on a 200 dpi page, for a few per cent of size.
        if own is not None:
            return _png_xobject(pdf, *own, image.size)
        return _png_xobject(pdf, _rows_up(image), image.mode, image.size)
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
    """The JPEG as it is (DCTDecode); deflated on top when that is smaller (1-3 % on a scan;
    lossless, as OCRmyPDF does): the JPEG inside is byte for byte the same.

    Huffman coding only: a JPEG's entropy-coded data leaves deflate's string matching next to
    nothing to find, and the search was two thirds of the time. Measured on 8 photos and scans
    (2026-12-04): 10-22 ms a page against 32-68 ms at level 6, the file 0.0-0.4 points larger
    (a phone photo 98.78 % of its JPEG against 98.71 %; a skewed scan 98.93 % against 99.04 %)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_HUFFMAN_ONLY)
    deflated = packer.compress(data) + packer.flush()
    filters: object = Name.DCTDecode
    if len(deflated) < len(data):
        data, filters = deflated, Array([Name.FlateDecode, Name.DCTDecode])
    return _xobject(
        pdf, data, size, ColorSpace=_colour_space(mode), BitsPerComponent=8, Filter=filters
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


def _rows_up(image: Image.Image) -> bytes:
    """The image's rows with PNG's "Up" predictor (each row less the row above, tagged 2),
    deflated at level 3: what a PNG encoder's filter search gets to within a few per cent on a
    scan, at a tenth of its time (a 300 dpi grey A4 page: ~0.1 s, where Pillow's PNG took 0.5 s
    at level 3 and 2.5 s at 6)."""
    pixels = np.asarray(image)
    rows = pixels.reshape(pixels.shape[0], -1)
    up = np.empty((rows.shape[0], rows.shape[1] + 1), np.uint8)
    up[:, 0] = 2
    up[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=up[1:, 1:])  # uint8: wraps modulo 256, as PNG's
    return zlib.compress(up.tobytes(), 3)


def _png_data(png: bytes, size: tuple[int, int]) -> tuple[bytes, str] | None:
    """A PNG file's image data (its IDAT chunks: Flate with PNG row predictors, which PDF reads
    as it is) and its mode, when it is a `size` image PDF can take so: 8-bit grey or RGB, not
    interlaced; else None."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    header, idat, at = b"", [], 8
    while at + 8 <= len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat.append(data)
        at += 12 + length
    if len(header) != 13:
        return None
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    if (width, height) != size or depth != 8 or colour not in (0, 2) or interlace:
        return None
    return b"".join(idat), "RGB" if colour == 2 else "L"


def _png_xobject(pdf: pikepdf.Pdf, data: bytes, mode: str, size: tuple[int, int]) -> pikepdf.Object:
    colours = 3 if mode == "RGB" else 1
    params = Dictionary(Predictor=15, Colors=colours, BitsPerComponent=8, Columns=size[0])
    return _xobject(
        pdf,
        data,
        size,
        ColorSpace=_colour_space(mode),
        BitsPerComponent=8,
        Filter=Name.FlateDecode,
        DecodeParms=params,
    )
