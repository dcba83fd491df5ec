"""The recognition pipeline: load → quality verdict → geometry → photometry → Tesseract → outputs.

`prepare_page` is everything done to a page before Tesseract sees it; pages of one document run
in parallel when the caller hands us a process pool (one Tesseract thread per process).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.recognition import (
    DocumentResult,
    PagePose,
    PageResult,
    PageSource,
    QualityVerdict,
    Region,
    TextBlock,
)
from ocr import geometry, inks, photometry
from ocr.engine import recognise, upside_down_by_osd
from ocr.formats import PDF, sniff
from ocr.layout import arrange
from ocr.load import iter_pages, page_at, page_count
from ocr.options import OcrOptions
from ocr.outputs import original_page, page_pdf
from ocr.quality import assess_gray
from ocr.regions import find_regions
from ocr.text import blocks_of, lines_of, nfc, page_text
from ocr.textlayer import text_layer
from ocr.vietnamese import CorrectionOptions, correct_words, default_model

# OpenCV's own threads would oversubscribe the cores a pool of one-process-per-core already fills,
# as Tesseract's OpenMP threads would (OMP_THREAD_LIMIT=1 in ocr/engine.py).
cv2.setNumThreads(1)

UNSURE = 0.25
"""Below this certainty of up versus down, Tesseract's OSD is asked about a crop of the page."""

A4_WIDTH_INCHES = 8.27
# Paper of Vietnamese administration is A4 (Decree 30/2020): when a file does not say its
# resolution (photos), the page's short side is taken as 210 mm to size the PDF page.


@dataclass(frozen=True)
class PreparedPage:
    image: Image.Image
    """What Tesseract reads: grey, upright, flat, clean, at a good x-height."""
    colour: Image.Image
    """The same page, upright and flat but in its own colours and scale, for the PDF."""
    pose: PagePose
    quality: QualityVerdict


def recognise_document(
    data: bytes, options: OcrOptions, *, executor: Executor | None = None
) -> DocumentResult:
    """Recognise every page of a scanned file (image or PDF bytes).

    With an `executor` (a process pool) each page is a task of its own, so a 20-page dossier
    uses every worker; without one, pages run here one after the other.
    """
    if executor is None and sniff(data[:1024]) is PDF:
        count = page_count(data, timeout=options.page_timeout)
        pages = [recognise_page_of(data, number, options) for number in range(1, count + 1)]
    elif executor is None:
        pages = [
            recognise_page(image, number, options)
            for number, image in enumerate(_pages(data, options), start=1)
        ]
    else:
        count = page_count(data, timeout=options.page_timeout)
        futures: list[Future[PageResult]] = [
            executor.submit(recognise_page_of, data, number, options)
            for number in range(1, count + 1)
        ]
        try:
            pages = [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()  # one failed page fails the document: drop the rest unstarted
    return DocumentResult(pages=pages, languages=options.languages)


def _pages(data: bytes, options: OcrOptions) -> Iterator[Image.Image]:
    return iter_pages(
        data, dpi=options.pdf_dpi, max_pixels=options.max_pixels, timeout=options.page_timeout
    )


def recognise_page_of(data: bytes, number: int, options: OcrOptions) -> PageResult:
    """Decode page `number` (from 1) of a file and recognise it: one task of a process pool.

    A born-digital PDF page is not rendered nor OCR'd: its own text and page are taken.
    """
    if sniff(data[:1024]) is PDF:
        layer = text_layer(data, number, dpi=options.pdf_dpi, timeout=options.page_timeout)
        if layer is not None:
            return PageResult(
                number=number,
                width=layer.width,
                height=layer.height,
                text=page_text(layer.words),
                words=layer.words,
                lines=lines_of(layer.words),
                blocks=blocks_of(lines_of(layer.words)),
                mean_confidence=None,
                source=PageSource.TEXT_LAYER,
                pdf=original_page(data, number),
            )
    image = page_at(
        data,
        number,
        dpi=options.pdf_dpi,
        max_pixels=options.max_pixels,
        timeout=options.page_timeout,
    )
    return recognise_page(image, number, options)


def warm_up() -> None:
    """Load what the first page would otherwise load: run once in each worker process."""
    default_model()


def recognise_page(image: Image.Image, number: int, options: OcrOptions) -> PageResult:
    prepared = prepare_page(image)
    dpi = source_dpi(image, prepared.colour)
    if prepared.quality.blank:
        return PageResult(
            number=number,
            width=prepared.image.width,
            height=prepared.image.height,
            text="",
            words=[],
            mean_confidence=None,
            quality=prepared.quality,
            pose=prepared.pose,
            pdf=page_pdf(prepared.colour, None, dpi=dpi),
        )
    output = recognise(
        prepared.image,
        languages=options.languages,
        timeout=options.page_timeout,
        dpi=dpi * prepared.image.width / prepared.colour.width,
    )
    raw = [word.model_copy(update={"text": nfc(word.text)}) for word in output.words]
    regions: list[Region] = []
    blocks: list[TextBlock] | None = None
    if options.layout:
        # Before the correction: its bigram model reads words in order, and the order of a
        # two-column header is only right once the columns are read one after the other.
        regions = find_regions(
            np.asarray(prepared.colour), dpi=dpi, scale=prepared.image.width / prepared.colour.width
        )
        layout = arrange(raw, regions, prepared.image.width)
        raw, blocks = layout.words, layout.blocks
    # Vietnamese marks Tesseract misread, fixed by syllable rules and a bigram model; the raw
    # reading is kept beside (the hOCR and the PDF's text layer are Tesseract's own, raw).
    words = correct_words(raw, options=CorrectionOptions(enabled=options.correct_marks))
    confidences = [w.confidence for w in words]
    lines = lines_of(words)
    return PageResult(
        number=number,
        width=prepared.image.width,
        height=prepared.image.height,
        text=page_text(words),
        raw_text=page_text(raw),
        words=words,
        lines=lines,
        blocks=blocks_of(lines) if blocks is None else blocks,
        regions=regions,
        mean_confidence=sum(confidences) / len(confidences) if confidences else None,
        quality=prepared.quality,
        pose=prepared.pose,
        hocr=nfc(output.hocr),
        pdf=page_pdf(prepared.colour, output.text_pdf, dpi=dpi),
    )


def confirm_with_osd(gray: NDArray[np.uint8], pose: geometry.Pose) -> geometry.Pose:
    """Up or down, when the ink's balance is too even to tell: Tesseract OSD on a crop."""
    upright = geometry.apply_pose(gray, pose)
    height, width = upright.shape
    side = min(height, width, 1000)  # OSD's cost grows with the crop: ~1 s at 1600 px
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(upright[top : top + side, left : left + side])
    if upside_down_by_osd(crop, timeout=20) is True:
        return geometry.Pose(turn=(pose.turn + 180) % 360, skew=pose.skew, certainty=1.0)
    return pose


def source_dpi(original: Image.Image, colour: Image.Image) -> float:
    """The scan's resolution as its file states it, else as if the page were A4 wide."""
    stated = original.info.get("dpi")
    if isinstance(stated, tuple) and stated and 70 <= float(stated[0]) <= 1200:
        return float(stated[0])
    return min(colour.size) / A4_WIDTH_INCHES


def prepare_page(image: Image.Image) -> PreparedPage:
    """Everything done to a page before Tesseract sees it."""
    colour: NDArray[np.uint8] = np.asarray(
        image if image.mode in ("L", "RGB") else image.convert("RGB")
    )
    luminance = (
        colour if colour.ndim == 2 else geometry.u8(cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY))
    )
    verdict = assess_gray(luminance)
    if verdict.blank:
        return PreparedPage(Image.fromarray(luminance), image, PagePose(), verdict)

    # Geometry: a photographed sheet is warped flat first, then turned upright and deskewed.
    quad = geometry.find_page_quad(luminance)
    if quad is not None:
        colour = geometry.warp_quad(colour, quad)
        # a grey scan has a sheet to find too: a copy with black bands where no paper was
        luminance = (
            colour if colour.ndim == 2 else geometry.u8(cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY))
        )
    inked = colour.ndim == 3 and photometry.has_colour_ink(colour)
    gray = inks.drop_mark_ink(colour) if inked else luminance  # seals, signatures; not print
    pose = geometry.measure_pose(gray)
    if pose.certainty < UNSURE:
        pose = confirm_with_osd(gray, pose)
    gray = geometry.apply_pose(gray, pose)
    colour = geometry.apply_pose(colour, pose) if colour.ndim == 3 else gray

    # Photometry: flatten light, lift streaks and faded ink, clean speckle, bring the x-height
    # into Tesseract's range, erase long rules. Tesseract gets this even grey page, not our
    # binarisation (its LSTM reads faint strokes from grey values). The verdict's x-height
    # holds unless the page was warped (a photo's sheet changes scale when flattened).
    letters = verdict.x_height
    if quad is not None or letters is None:
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        letters = photometry.x_height(ink > 0)
    scale = photometry.resample_factor(letters)
    if photometry.is_bilevel(gray):
        # A fax or 1-bit scan has no light to flatten and no grey to stretch; measured on the
        # benchmark, every photometric step only thinned or broke its strokes.
        prepared = photometry.resample(gray, scale)
    else:
        flat = photometry.flatten(gray, text_height=letters or 25.0)
        flat = photometry.stretch(photometry.remove_streaks(flat))
        if photometry.noise_level(flat) > 12:
            flat = photometry.denoise(flat)
        prepared = photometry.erase_rules(
            photometry.resample(flat, scale), text_height=(letters or 25.0) * scale
        )
    return PreparedPage(
        image=Image.fromarray(prepared),
        colour=Image.fromarray(colour),
        pose=PagePose(
            flattened=quad is not None,
            turn=pose.turn,
            skew=round(geometry.applied_skew(pose), 2),
            scale=round(scale, 4) if scale != 1.0 else 1.0,
        ),
        quality=verdict,
    )
