"""Where a card's machine-readable zone is and what it says: found among the page's read lines,
then read again, alone, from the page as recognition prepared it.

Why read it again: the page's reading is Tesseract's Vietnamese model over the whole card, and
on a zone it takes 0 for 6, 8 or 9 and I for T often enough that a third of generated backs
fail their checks. The band alone, read by the `eng` model as one block of lines (page
segmentation 6), passed on every back tried. The page is the image inside the page's PDF
(`PageResult.pdf`, the upright flat page Tesseract's boxes refer to), so no step of recognition
is repeated; without it (a result loaded from JSON) the page's own reading is checked instead.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby

import numpy as np
import pikepdf
from PIL import Image

from models.errors import SohoaError
from models.recognition import Box, PageResult
from ocr.engine import available_languages, recognise_words
from ocr.geometry import Pose, apply_pose
from ocr.papers.lines import Line, page_lines
from ocr.papers.mrz import START, Unreadable, Zone, check_zone, compact, zone_lines
from ocr.text import enclosing

BAND_TIMEOUT = 20.0
LETTER_PX = 22
"""The zone's letters are brought down to this height before they are read: a phone photo
gives them 60–70 px, at which Tesseract split a blurred 0 into "OQ" or added a digit; at 22 px
seven of eight generated photographed backs passed their checks against three as taken."""
ABOVE, BELOW = 4.0, 7.0
"""The band read again: from this many heights of its first line's letters above that line to
this many below (the zone's three lines stand 1.7 heights apart; a first line Tesseract missed
leaves the second as the first found)."""


def _band_start(lines: Sequence[Line]) -> Line | None:
    """The first line that looks like a zone's: starting like IDVNM, or full of fillers."""
    for line in lines:
        if not _capitals(line.text):
            continue
        text = compact(line.text)
        if START.match(text) or text.count("<") >= 5:
            return line
    return None


def _capitals(text: str) -> bool:
    """A zone is capitals, digits and fillers (a run of fillers may be read as "ccc"): a line of
    Vietnamese print is not, though its c's read as fillers ("chức" → "<HU<") gave a contract
    page five of them, and its band was read again (3 s a page)."""
    letters = [ch for ch in text if ch.isalpha() and ch != "c"]
    return sum(ch.isascii() and ch.isupper() for ch in letters) >= 0.9 * len(letters)


def page_image(page: PageResult) -> Image.Image | None:
    """The page as recognition prepared it (the image of its PDF page), scaled to its boxes."""
    if page.pdf is None:
        return None
    try:
        # pikepdf (qpdf in C++) decodes the picture: pypdf's PNG-predictor decoding in Python
        # took 2.3 s for a 200 dpi page
        with pikepdf.open(io.BytesIO(page.pdf)) as pdf:
            found = pdf.pages[0].get_images().values()
            pictures = [p for p in found if isinstance(p, pikepdf.Stream)]
            image = pikepdf.PdfImage(pictures[0]).as_pil_image() if pictures else None
    except (pikepdf.PdfError, NotImplementedError, OSError, ValueError):
        return None
    if image is None:
        return None
    image = _as_recognised(image, page)
    if image.size != (page.width, page.height):
        image = image.resize((page.width, page.height), Image.Resampling.LANCZOS)
    return image.convert("L")


def _as_recognised(image: Image.Image, page: PageResult) -> Image.Image:
    """The PDF's picture turned as recognition turned the page: the PDF/A writer keeps a turned
    or deskewed scan's own pixels and turns them with the page's drawing matrix
    (`ocr.pdf_page.Placement`), so the picture itself lies as it was scanned. A flattened photo
    is drawn as recognition made it; so is a scan whose turned size does not fit (kept as is
    when turning it would not give the page's shape)."""
    pose = page.pose
    if pose.flattened or (pose.turn % 360 == 0 and not pose.skew):
        return image
    grey = np.asarray(image.convert("L"))
    turned = apply_pose(grey, Pose(turn=pose.turn, skew=pose.skew))
    height, width = turned.shape[:2]
    if abs(width / height - page.width / page.height) > 0.01:
        return image
    return Image.fromarray(turned)


def _reread(page: PageResult, start: Line) -> tuple[list[str], Box, float] | None:
    """The band's lines read alone: their texts, their box on the page, their confidence."""
    image = page_image(page)
    if image is None:
        return None
    first = enclosing([w.box for w in start.words])
    height = first.height
    left, top = 0, max(0, round(first.top - ABOVE * height))
    bottom = min(page.height, round(first.top + BELOW * height))
    band = image.crop((left, top, page.width, bottom))
    scale = min(1.0, LETTER_PX / max(height, 1))
    if scale < 1.0:
        size = (round(band.width * scale), round(band.height * scale))
        band = band.resize(size, Image.Resampling.LANCZOS)
    languages = "eng" if "eng" in available_languages() else "vie"
    try:
        words = recognise_words(band, languages=languages, timeout=BAND_TIMEOUT, psm=6)
    except SohoaError:
        return None
    words = [w for w in words if w.text.strip()]
    if not words:
        return None
    grouped = [list(g) for _, g in groupby(words, key=lambda w: (w.block, w.line))]
    texts = [" ".join(w.text for w in g) for g in grouped]
    zone_words = [w for w in words if "<" in w.text or START.search(compact(w.text))]
    box = enclosing([w.box for w in zone_words or words])
    shifted = Box(
        left=round(box.left / scale) + left,
        top=round(box.top / scale) + top,
        width=round(box.width / scale),
        height=round(box.height / scale),
    )
    # the name is the zone's last line: its words' confidence is the name's
    last = grouped[-1]
    return texts, shifted, sum(w.confidence for w in last) / (100 * len(last))


def read_zone(page: PageResult) -> Zone | Unreadable | None:
    """The page's zone, checked; None when no line of the page looks like one."""
    lines = page_lines(page)
    start = _band_start(lines)
    if start is None:
        return None
    again = _reread(page, start)
    if again is None:
        following = lines[lines.index(start) :]
        box = enclosing([w.box for ln in following[:3] for w in ln.words])
        texts, confidence = [ln.text for ln in following], start.confidence(0, len(start.text))
    else:
        texts, box, confidence = again
    found = zone_lines(texts)
    if found is None:
        return Unreadable("no three lines starting with IDVNM", page.number, box)
    values = check_zone(*found)
    if isinstance(values, str):
        return Unreadable(values, page.number, box)
    read = (found[0], found[1], found[2])
    return Zone(values, read, page.number, box, round(min(confidence, 0.98), 3))


def document_zone(pages: Sequence[PageResult]) -> Zone | Unreadable | None:
    """The first checked zone of the document, else the first unreadable one, else None."""
    unreadable = None
    for page in pages:
        found = read_zone(page)
        if isinstance(found, Zone):
            return found
        unreadable = unreadable or found
    return unreadable
