"""The recognition pipeline: load → quality verdict → geometry → photometry → Tesseract → outputs.

`ocr.prepare.prepare_page` is everything done to a page before Tesseract sees it; pages of one document run
in parallel when the caller hands us a process pool (one Tesseract thread per process).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from concurrent.futures import Executor, Future

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from models.errors import RecognitionError
from models.recognition import (
    DocumentResult,
    PageCheck,
    PagePose,
    PageResult,
    PageSource,
    Region,
    Table,
    TextBlock,
    Word,
)
from ocr.checks import IMPLAUSIBLE, Reader, check_turn, plausibility
from ocr.engine import EngineOutput, recognise, recognise_words
from ocr.engine import load as load_engine
from ocr.formats import PDF, sniff
from ocr.hocr import page_hocr
from ocr.laps import Laps
from ocr.load import iter_pages, page_at, page_count
from ocr.options import OcrOptions
from ocr.outputs import original_page
from ocr.pdf_page import scan_page
from ocr.pdf_text import glyphless_font
from ocr.prepare import PreparedPage, as_given, prepare_page, source_dpi
from ocr.qr import with_payloads
from ocr.regions import find_regions, without_codes_and_photos
from ocr.table_layout import arrange_with_tables, with_text
from ocr.tables import find_tables
from ocr.text import blocks_of, lines_of, nfc, page_text
from ocr.textlayer import text_layer
from ocr.vietnamese import CorrectionOptions, correct_words, default_model

# OpenCV's own threads would oversubscribe the cores a pool of one-process-per-core already fills,
# as Tesseract's OpenMP threads would (OMP_THREAD_LIMIT=1 in ocr/engine.py).
cv2.setNumThreads(1)


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
            recognise_page(image, number, options, scan=data)
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
    laps = Laps()
    image = page_at(
        data,
        number,
        dpi=options.pdf_dpi,
        max_pixels=options.max_pixels,
        timeout=options.page_timeout,
    )
    laps.lap("load")
    page = recognise_page(image, number, options, scan=data)
    return page.model_copy(update={"seconds": {**laps.seconds, **page.seconds}})


def warm_up(languages: str = "vie") -> None:
    """Load what the first page would otherwise load (the syllable model, Tesseract's model for
    `languages`, the PDF's glyphless font: 50 ms to build): a pool's initializer, run once in
    each of its processes.

    A language Tesseract lacks is left for the first page to report, with its own error: raised
    here, in an initializer, it killed every process of the pool as it started."""
    default_model()
    glyphless_font()
    with contextlib.suppress(RecognitionError):
        load_engine(languages)


def recognise_page(
    image: Image.Image, number: int, options: OcrOptions, *, scan: bytes | None = None
) -> PageResult:
    """Recognise one decoded page; `scan` is the file it came from, which decides how the
    page's picture goes into the PDF (a JPEG page left unchanged is embedded as it is)."""
    read = _band_reader(options)
    laps = Laps()
    prepared = prepare_page(image, read=read)
    laps.lap("prepare")
    if prepared.quality.blank:
        return PageResult(
            seconds=laps.seconds,
            number=number,
            width=prepared.image.width,
            height=prepared.image.height,
            text="",
            words=[],
            mean_confidence=None,
            quality=prepared.quality,
            pose=prepared.pose,
            pdf=_page_pdf(image, prepared, [], options, scan),
        )
    # Marks are found before the reading: a QR code is blanked out of what Tesseract reads.
    regions = _regions(image, prepared) if options.layout else []
    laps.lap("layout")
    output = _read(prepared, options, regions)
    laps.lap("tesseract")
    reading = plausibility(output.words)
    plausible = reading.conclusive and reading.score >= IMPLAUSIBLE
    if prepared.turn_unchecked and plausible:
        prepared = dataclasses.replace(
            prepared, checks=[*prepared.checks, _turn_read(prepared, reading.score)]
        )
    elif prepared.turn_unchecked or (reading.conclusive and reading.score < IMPLAUSIBLE):
        # The page's whole reading looks wrong: a turn nobody suspected, a turn made on the
        # letters' say-so that the reading does not bear out, or a step that hurt. A second
        # full pass, only here: the other turns on a band, else the page as given.
        first = prepared
        prepared, output = _second_opinion(image, prepared, output, options, read)
        if prepared is not first and options.layout:
            regions = _regions(image, prepared)
        laps.lap("second_reading")
    page = _page_result(image, number, prepared, output, options, regions, scan)
    laps.lap("finish")
    return page.model_copy(update={"seconds": laps.seconds})


def _turn_read(prepared: PreparedPage, score: float) -> PageCheck:
    """The check of a turn made on overwhelming evidence: the turned page read plausibly."""
    return PageCheck(
        name="turn",
        decision=f"{prepared.pose.turn}° as guessed, the page read plausibly",
        tesseract=True,
        evidence={"page": round(score, 3)},
    )


def _page_pdf(
    image: Image.Image,
    prepared: PreparedPage,
    words: list[Word],
    options: OcrOptions,
    scan: bytes | None,
) -> bytes:
    """The page's PDF: the scan's page, upright, under the stored words (ocr.pdf_page)."""
    dpi, size = source_dpi(image, prepared.colour), prepared.image.size
    pdf_jpeg = options.pdf_jpeg_scans
    return scan_page(
        image,
        prepared.colour,
        prepared.pose,
        words,
        dpi=dpi,
        size=size,
        scan=scan,
        jpeg_lossless_scans=pdf_jpeg,
    )


def _regions(image: Image.Image, prepared: PreparedPage) -> list[Region]:
    """Seals, signatures, QR codes (with their decoded text), photos on the upright colour
    page, in the read image's pixels."""
    scale = prepared.image.width / prepared.colour.width
    dpi = source_dpi(image, prepared.colour)
    colour = np.asarray(prepared.colour)
    letters = prepared.x_height / scale if prepared.x_height else None
    found = find_regions(colour, dpi=dpi, scale=scale, text_height=letters)
    return with_payloads(found, colour, scale)


def _read(
    prepared: PreparedPage, options: OcrOptions, regions: list[Region] | None = None
) -> EngineOutput:
    page = without_codes_and_photos(prepared.image, regions or [])
    return recognise(page, languages=options.languages, timeout=options.page_timeout)


def _band_reader(options: OcrOptions) -> Reader:
    """Tesseract on a band, as one block of lines (page segmentation 6): its layout analysis
    finds vertical lines in a sideways band and reads them turned, which a check must not let
    pass for the band reading well the way it lies."""

    def read(band: NDArray[np.uint8]) -> list[Word]:
        return recognise_words(
            Image.fromarray(band), languages=options.languages, timeout=options.page_timeout, psm=6
        )

    return read


def _second_opinion(
    original: Image.Image,
    prepared: PreparedPage,
    output: EngineOutput,
    options: OcrOptions,
    read: Reader,
) -> tuple[PreparedPage, EngineOutput]:
    """The more plausible of our reading and the alternatives, each recorded as a check."""
    first = plausibility(output.words)
    checks = list(prepared.checks)
    alternative: PreparedPage | None = None
    if not any(c.name == "turn" for c in checks):
        turn = check_turn(np.asarray(prepared.image), 0, prepared.x_height or 25.0, read)
        checks.append(turn.record)
        if turn.extra:
            alternative = prepared.turned(turn.extra)
    if alternative is None:
        alternative = as_given(original)
    other = _read(alternative, options)
    second = plausibility(other.words)
    # Plausible characters, not the share: a reading of a part of the page is not the better one.
    better = second.score * second.characters > first.score * first.characters
    checks.append(
        PageCheck(
            name="reading",
            decision=("kept the second reading" if better else "kept the first reading")
            + f" ({'page as given' if alternative.pose == PagePose() else 'turned'})",
            tesseract=True,
            evidence={"first": round(first.score, 3), "second": round(second.score, 3)},
        )
    )
    chosen, words = (alternative, other) if better else (prepared, output)
    return dataclasses.replace(chosen, checks=checks), words


def _page_result(
    image: Image.Image,
    number: int,
    prepared: PreparedPage,
    output: EngineOutput,
    options: OcrOptions,
    regions: list[Region],
    scan: bytes | None,
) -> PageResult:
    dpi = source_dpi(image, prepared.colour)
    raw = [word.model_copy(update={"text": nfc(word.text)}) for word in output.words]
    tables: list[Table] = []
    blocks: list[TextBlock] | None = None
    if options.layout:
        # Before the correction: its bigram model reads words in order, and the order of a
        # two-column header is only right once the columns are read one after the other.
        scale = prepared.image.width / prepared.colour.width
        # Ruled tables, on the colour page: the page Tesseract read may have its rules erased.
        tables = find_tables(
            np.asarray(prepared.colour), dpi=dpi, scale=scale, faded=prepared.faded
        )
        layout = arrange_with_tables(raw, regions, tables, prepared.image.width)
        raw, blocks, tables = layout.words, layout.blocks, layout.tables
    # Vietnamese marks Tesseract misread, fixed by syllable rules and a bigram model; the raw
    # reading is kept beside.
    words = correct_words(raw, options=CorrectionOptions(enabled=options.correct_marks))
    confidences = [w.confidence for w in words]
    lines = lines_of(words)
    page = PageResult(
        number=number,
        width=prepared.image.width,
        height=prepared.image.height,
        text=page_text(words),
        raw_text=page_text(raw),
        words=words,
        lines=lines,
        blocks=blocks_of(lines) if blocks is None else blocks,
        regions=regions,
        tables=with_text(tables, words),
        mean_confidence=sum(confidences) / len(confidences) if confidences else None,
        quality=prepared.quality,
        pose=prepared.pose,
        checks=[*prepared.checks, _reading_record(output.words)],
        # the stored words, in reading order, over the picture (Tesseract draws none)
        pdf=_page_pdf(image, prepared, words, options, scan),
    )
    # Ours, not Tesseract's: our reading order, the stored text, the tables.
    return page.model_copy(update={"hocr": page_hocr(page, languages=options.languages)})


def _reading_record(words: list[Word]) -> PageCheck:
    reading = plausibility(words)
    return PageCheck(
        name="plausibility",
        decision="plausible" if reading.score >= IMPLAUSIBLE else "implausible",
        tesseract=False,
        evidence={"score": round(reading.score, 3), "characters": reading.characters},
    )
