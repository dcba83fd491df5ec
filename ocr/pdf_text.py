"""The invisible text layer of a searchable PDF page, written from sohoa's stored words.

Each word is drawn in render mode 3 (invisible) over its box, in the page's reading order, with
the stored (corrected, NFC) text; a space is drawn across the gap to the next word of its line,
so text extraction gives the words separated as the stored text is. The font is a glyphless
TrueType font (one empty glyph, 500/1000 em wide) embedded as a Type0 font with Identity-H
encoding: a character code is its UTF-16 code unit, every code maps to the one glyph
(CIDToGIDMap) and ToUnicode maps each code back to itself, so Vietnamese extracts exactly.
This is the approach of Tesseract's PDF renderer and OCRmyPDF's hocrtransform, written for our
`Word` values; the font is built with fontTools (a dependency of pikepdf's PDF/A validator).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from itertools import groupby

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from pikepdf import Array, Dictionary, Name

from models.recognition import Word

FONT_NAME = "/SohoaGlyphless"
"""The resource name of the font on every page."""
_ADVANCE = 500  # of 1000 units per em: every character is half an em wide
_DESCENT = 200  # the glyph box runs from -0.2 em to 0.8 em: a line's box, baseline inside
_REPLACEMENT = 0xFFFD


@cache
def glyphless_font() -> bytes:
    """A TrueType font with .notdef and one empty glyph, both `_ADVANCE` wide."""
    builder = FontBuilder(1000, isTTF=True)
    names = [".notdef", "blank"]
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({name: empty for name in names})
    builder.setupHorizontalMetrics({name: (_ADVANCE, 0) for name in names})
    builder.setupHorizontalHeader(ascent=1000 - _DESCENT, descent=-_DESCENT)
    builder.setupNameTable({"familyName": "SohoaGlyphless", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=1000 - _DESCENT, sTypoDescender=-_DESCENT, usWinDescent=200)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _to_unicode() -> bytes:
    """Each 2-byte code is the UTF-16 code unit of its character (surrogates left out)."""
    rows = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi < 0xE0]
    sections = []
    for start in range(0, len(rows), 100):  # at most 100 entries a section
        chunk = rows[start : start + 100]
        sections.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(sections)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The glyphless Type0 font as an indirect object of `pdf` (one per document)."""
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/SohoaGlyphless"),
        Flags=5,  # fixed pitch, symbolic
        FontBBox=Array([0, -_DESCENT, _ADVANCE, 1000 - _DESCENT]),
        ItalicAngle=0,
        Ascent=1000 - _DESCENT,
        Descent=-_DESCENT,
        CapHeight=1000 - _DESCENT,
        StemV=80,
        FontFile2=pdf.make_stream(glyphless_font()),
    )
    cid_font = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name("/SohoaGlyphless"),
        CIDSystemInfo=Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=_ADVANCE,
        # every code is drawn with glyph 1 (the empty one), whatever character it stands for
        CIDToGIDMap=pdf.make_stream(b"\x00\x01" * 65536),
    )
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/SohoaGlyphless"),
        Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cid_font)]),
        ToUnicode=pdf.make_stream(_to_unicode()),
    )
    return pdf.make_indirect(font)


def _codes(text: str) -> str:
    """The text as hex 2-byte codes (a character outside the BMP becomes U+FFFD)."""
    units = (
        ord(c) if ord(c) <= 0xFFFF and not 0xD800 <= ord(c) < 0xE000 else _REPLACEMENT for c in text
    )
    return "".join(f"{u:04X}" for u in units)


def text_layer(words: Sequence[Word], *, scale_x: float, scale_y: float, height: float) -> bytes:
    """Content-stream operators drawing `words` invisibly: boxes in page pixels, `scale_x`
    and `scale_y` points a pixel, `height` the page's height in points (PDF's y runs up).

    One size per line (its box's height), so a line extracts as one line; each word stretched
    (Tz) to its box's width; a space stretched across the gap to the next word.
    """
    ops = ["BT", "3 Tr"]
    for _, members in groupby(words, key=lambda w: (w.block, w.line)):
        line = [w for w in members if w.text]
        if not line:
            continue
        top = min(w.box.top for w in line)
        bottom = max(w.box.top + w.box.height for w in line)
        size = (bottom - top) * scale_y
        if size <= 0:
            continue
        baseline = height - bottom * scale_y + size * _DESCENT / 1000
        ops.append(f"{FONT_NAME} {size:.2f} Tf")
        em = size * _ADVANCE / 1000  # one character's natural width
        for k, word in enumerate(line):
            x = word.box.left * scale_x
            width = max(word.box.width, 1) * scale_x
            ops.append(f"{100 * width / (em * len(word.text)):.2f} Tz")
            ops.append(f"1 0 0 1 {x:.2f} {baseline:.2f} Tm <{_codes(word.text)}> Tj")
            if k + 1 < len(line):
                gap = line[k + 1].box.left * scale_x - (x + width)
                ops.append(f"{100 * max(gap, em * 0.1) / em:.2f} Tz")
                ops.append(f"1 0 0 1 {x + width:.2f} {baseline:.2f} Tm <0020> Tj")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")
