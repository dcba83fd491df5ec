"""hOCR written from the page result (ocr.hocr): well-formed XHTML, words in reading order with
their stored text, a ruled table as `ocr_table` with a `td` per cell."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from models.recognition import Box, PageResult, Table, TableCell, TextBlock, Word
from ocr.hocr import page_hocr

XHTML = "{http://www.w3.org/1999/xhtml}"


def _word(text: str, left: int, top: int, block: int, line: int) -> Word:
    box = Box(left=left, top=top, width=80, height=30)
    return Word(text=text, confidence=91.6, box=box, block=block, line=line)


def _cell(row: int, column: int, block: int | None, **spans: int) -> TableCell:
    box = Box(left=100 + 400 * column, top=200 + 60 * row, width=400, height=60)
    return TableCell(row=row, column=column, box=box, block=block, **spans)


def _page() -> PageResult:
    words = [
        _word("TỜ", 300, 100, 0, 0),
        _word("KHAI", 400, 100, 0, 0),
        _word("Họ", 110, 215, 1, 1),
        _word("tên", 200, 215, 1, 1),
        _word("<AN>", 510, 215, 2, 2),
        _word("&", 510, 245, 2, 3),
        _word("Ngày", 110, 275, 3, 4),
        _word("Ký", 600, 500, 4, 5),
    ]
    table = Table(
        box=Box(left=100, top=200, width=800, height=180),
        rows=3,
        columns=2,
        cells=[
            _cell(0, 0, 1),
            _cell(0, 1, 2),
            _cell(1, 0, 3),
            _cell(1, 1, None, row_span=2),
            _cell(2, 0, None),
        ],
    )
    blocks = [
        TextBlock(number=n, box=Box(left=0, top=0, width=1, height=1), lines=1) for n in range(5)
    ]
    return PageResult(
        number=2,
        width=1000,
        height=700,
        text="",
        words=words,
        blocks=blocks,
        tables=[table],
        mean_confidence=90.0,
    )


def _by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def test_hocr_is_well_formed_xhtml_with_the_words_in_reading_order() -> None:
    page = _page()
    hocr = page_hocr(page, languages="vie")
    root = ET.fromstring(hocr.encode())  # raises on anything not well-formed (escaping too)
    assert root.tag == f"{XHTML}html" and root.get("lang") == "vi"
    (div,) = _by_class(root, "ocr_page")
    assert div.get("title") == 'image "page-2"; bbox 0 0 1000 700; ppageno 1'
    words = _by_class(root, "ocrx_word")
    assert [w.text for w in words] == [w.text for w in page.words]
    assert words[0].get("title") == "bbox 300 100 380 130; x_wconf 92"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert "/tmp" not in hocr


def test_a_table_is_an_ocr_table_with_a_td_per_cell_and_its_spans() -> None:
    root = ET.fromstring(page_hocr(_page()).encode())
    (table,) = _by_class(root, "ocr_table")
    assert table.tag == f"{XHTML}table" and table.get("title") == "bbox 100 200 900 380"
    rows = table.findall(f"{XHTML}tr")
    cells = [row.findall(f"{XHTML}td") for row in rows]
    assert [len(row) for row in cells] == [2, 2, 1]
    assert cells[1][1].get("rowspan") == "2" and cells[0][0].get("rowspan") is None
    assert cells[0][0].get("title") == "bbox 100 200 500 260"
    value = [w.text for w in cells[0][1].iter() if "ocrx_word" in (w.get("class") or "")]
    assert value == ["<AN>", "&"]
    lines = _by_class(cells[0][1], "ocr_line")
    assert len(lines) == 2  # the cell's two lines
    assert cells[2][0].find(f".//{XHTML}span") is None  # an empty cell is an empty td
    # the blocks around the table stay outside it, in their place
    areas = [a for a in root.iter() if "ocr_carea" in (a.get("class") or "")]
    assert [a.get("id") for a in areas] == [f"block_2_{k}" for k in range(1, 6)]


def test_a_page_without_words_is_an_empty_page() -> None:
    page = PageResult(number=1, width=10, height=10, text="", words=[], mean_confidence=None)
    root = ET.fromstring(page_hocr(page).encode())
    (div,) = _by_class(root, "ocr_page")
    assert list(div) == []
