"""ALTO 4 XML of a recognised page, written from its PageResult, beside its hOCR: the format
libraries and archives take for a digitized page's text and layout.

The same reading as the hOCR and the PDF's text layer: blocks in reading order with the stored
(corrected, NFC) words, a ruled table as a `ComposedBlock` of TYPE "table" holding a TextBlock
per cell, and the page's marks (seal, signature, QR code, photo) as `Illustration`s of that
TYPE. Coordinates are pixels of the page the words were read on; confidences 0..1. Valid
against the ALTO 4.4 schema (tests/data/alto, checked by tests/ocr/test_alto.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from itertools import count, groupby

from models.recognition import Box, PageResult, Table, Word
from ocr.hocr import LANGUAGE_TAGS
from ocr.text import enclosing, reading_units, words_by_block

NAMESPACE = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"


def page_alto(page: PageResult, *, languages: str = "vie", source: str | None = None) -> str:
    """The page as an ALTO 4 document; `source` names the scanned file when it may be told."""
    first = languages.split("+")[0]
    lang = LANGUAGE_TAGS.get(first, first)
    root = ET.Element(
        "alto",
        {
            "xmlns": NAMESPACE,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{NAMESPACE} {SCHEMA}",
            "SCHEMAVERSION": "4.4",
        },
    )
    _description(ET.SubElement(root, "Description"), source)
    attributes = {
        "ID": f"p{page.number}",
        "PHYSICAL_IMG_NR": str(page.number),
        "WIDTH": str(page.width),
        "HEIGHT": str(page.height),
        "LANG": lang,
    }
    if page.mean_confidence is not None:
        attributes["PC"] = _confidence(page.mean_confidence)
    layout = ET.SubElement(ET.SubElement(root, "Layout"), "Page", attributes)
    space = ET.SubElement(
        layout,
        "PrintSpace",
        {"HPOS": "0", "VPOS": "0", "WIDTH": str(page.width), "HEIGHT": str(page.height)},
    )
    _content(space, page, lang)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _description(description: ET.Element, source: str | None) -> None:
    ET.SubElement(description, "MeasurementUnit").text = "pixel"
    if source:
        information = ET.SubElement(description, "sourceImageInformation")
        ET.SubElement(information, "fileName").text = source
    processing = ET.SubElement(description, "Processing", {"ID": "ocr"})
    ET.SubElement(processing, "processingCategory").text = "contentGeneration"
    ET.SubElement(
        processing, "processingStepDescription"
    ).text = "Tesseract LSTM recognition, sohoa layout and Vietnamese mark correction"
    software = ET.SubElement(processing, "processingSoftware")
    ET.SubElement(software, "softwareName").text = "sohoa"


def _content(space: ET.Element, page: PageResult, lang: str) -> None:
    n = page.number
    words_of = words_by_block(page)
    lines = count(1)
    for unit in reading_units(page):
        if isinstance(unit, Table):
            _table(space, n, page.tables.index(unit), unit, words_of, lang, lines)
        else:
            _block(space, n, unit[0], unit[1], lang, lines)
    for k, region in enumerate(page.regions, start=1):
        ET.SubElement(
            space,
            "Illustration",
            {"ID": f"p{n}_i{k}", **_position(region.box), "TYPE": region.kind},
        )


def _table(
    space: ET.Element,
    n: int,
    t: int,
    table: Table,
    words_of: dict[int, list[Word]],
    lang: str,
    lines: Iterator[int],
) -> None:
    composed = ET.SubElement(
        space, "ComposedBlock", {"ID": f"p{n}_t{t + 1}", **_position(table.box), "TYPE": "table"}
    )
    for cell in table.cells:
        if cell.block is not None:
            _block(composed, n, cell.block, words_of.get(cell.block, []), lang, lines)


def _block(
    parent: ET.Element, n: int, block: int, words: Sequence[Word], lang: str, lines: Iterator[int]
) -> None:
    words = [w for w in words if w.text]
    if not words:
        return
    element = ET.SubElement(
        parent,
        "TextBlock",
        {"ID": f"p{n}_b{block + 1}", **_position(enclosing([w.box for w in words])), "LANG": lang},
    )
    for _, members in groupby(words, key=lambda w: w.line):
        line = list(members)
        at = f"p{n}_l{next(lines)}"  # counted, not Word.line: an ID must be unique
        text_line = ET.SubElement(
            element, "TextLine", {"ID": at, **_position(enclosing([w.box for w in line]))}
        )
        for k, word in enumerate(line, start=1):
            if k > 1:
                previous = line[k - 2].box
                gap = word.box.left - (previous.left + previous.width)
                ET.SubElement(
                    text_line,
                    "SP",
                    {"HPOS": str(previous.left + previous.width), "WIDTH": str(max(gap, 0))},
                )
            ET.SubElement(
                text_line,
                "String",
                {
                    "ID": f"{at}_w{k}",
                    **_position(word.box),
                    "CONTENT": word.text,
                    "WC": _confidence(word.confidence),
                },
            )


def _position(box: Box) -> dict[str, str]:
    return {
        "HPOS": str(box.left),
        "VPOS": str(box.top),
        "WIDTH": str(box.width),
        "HEIGHT": str(box.height),
    }


def _confidence(percent: float) -> str:
    return f"{min(max(percent / 100, 0.0), 1.0):.2f}"
