"""Reading order with tables (ocr.table_layout): row by row, each row cell by cell, each cell line
by line; on boxes built by hand, and on a generated form read by the whole pipeline."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache

import numpy as np

from models.recognition import BlockRole, Box, PageResult, Table, TableCell, Word
from ocr.layout import arrange
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from ocr.table_layout import arrange_with_tables, with_text
from synth.corpus import pick
from synth.degrade import colour_scan
from synth.metrics import cer
from synth.render import render_page
from synth.tables import TablePage, ruled_annex, ruled_form

H = 30


def word(text: str, left: int, top: int, line: int, *, width: int = 90) -> Word:
    box = Box(left=left, top=top, width=width, height=H)
    return Word(text=text, confidence=95, box=box, block=1, line=line)


def cell(row: int, column: int, box: tuple[int, int, int, int], **spans: int) -> TableCell:
    left, top, width, height = box
    return TableCell(
        row=row, column=column, box=Box(left=left, top=top, width=width, height=height), **spans
    )


def table(*cells: TableCell) -> Table:
    right = max(c.box.left + c.box.width for c in cells)
    bottom = max(c.box.top + c.box.height for c in cells)
    rows = max(c.row + c.row_span for c in cells)
    columns = max(c.column + c.column_span for c in cells)
    left, top = cells[0].box.left, cells[0].box.top
    box = Box(left=left, top=top, width=right - left, height=bottom - top)
    return Table(box=box, rows=rows, columns=columns, cells=list(cells))


def texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


# A form of three rows: labels in 100..500, values in 500..1200, rows 60 px tall from y = 200.
FORM = table(
    *(
        cell(r, c, (100 if c == 0 else 500, 200 + 60 * r, 400 if c == 0 else 700, 60))
        for r in range(3)
        for c in range(2)
    )
)


def test_a_form_is_read_label_then_value_row_by_row() -> None:
    # Tesseract (and the whitespace cut) gave every label first, then every value.
    labels = [word(f"L{r}", 110, 215 + 60 * r, r) for r in range(3)]
    values = [word(f"V{r}", 510, 215 + 60 * r, 3 + r) for r in range(3)]
    title = [word("TITLE", 400, 100, 6)]
    signer = [word("SIGNER", 800, 500, 7)]
    result = arrange_with_tables(title + labels + values + signer, [], [FORM], 1300)
    assert texts(result.words) == ["TITLE", "L0", "V0", "L1", "V1", "L2", "V2", "SIGNER"]
    (found,) = result.tables
    numbered = [c.block for c in found.cells]
    assert numbered == [1, 2, 3, 4, 5, 6]  # a block per cell, in reading order
    assert [b.number for b in result.blocks] == list(range(8))
    assert [w.line for w in result.words] == list(range(8))


def test_a_cell_of_several_lines_is_read_line_by_line() -> None:
    # Tesseract's lines ran across both cells: its line numbers mix label and value.
    words = [
        word("Nơi", 110, 215, 0),
        word("ở", 210, 215, 0),
        word("Số", 510, 205, 0),
        word("12", 610, 205, 0),
        word("thôn", 510, 225, 1, width=60),  # a second, tighter line of the value cell
    ]
    tight = table(cell(0, 0, (100, 200, 400, 60)), cell(0, 1, (500, 200, 700, 60)))
    words[4] = word("thôn", 510, 238, 1)
    result = arrange_with_tables(words, [], [tight], 1300)
    assert texts(result.words) == ["Nơi", "ở", "Số", "12", "thôn"]
    lines = [w.line for w in result.words]
    assert lines == [0, 0, 1, 1, 2]


def test_a_merged_cell_is_read_in_its_first_row() -> None:
    merged = table(
        cell(0, 0, (100, 200, 400, 120), row_span=2),
        cell(0, 1, (500, 200, 700, 60)),
        cell(1, 1, (500, 260, 700, 60)),
    )
    words = [
        word("M1", 110, 215, 0),
        word("A", 510, 215, 0),
        word("M2", 110, 275, 1),
        word("B", 510, 275, 1),
    ]
    result = arrange_with_tables(words, [], [merged], 1300)
    assert texts(result.words) == ["M1", "M2", "A", "B"]


def test_a_word_printed_across_the_bottom_rule_stays_in_its_cell() -> None:
    words = [word("L0", 110, 215, 0), word("V0", 510, 215, 0), word("cao", 510, 245, 1)]
    words += [word("after", 110, 400, 2)]
    one_row = table(cell(0, 0, (100, 200, 400, 60)), cell(0, 1, (500, 200, 700, 60)))
    result = arrange_with_tables(words, [], [one_row], 1300)
    assert texts(result.words) == ["L0", "V0", "cao", "after"]


def test_a_page_without_tables_is_arranged_as_before() -> None:
    words = [word(f"W{k}", 100 + 100 * (k % 5), 100 + 50 * (k // 5), k // 5) for k in range(15)]
    plain = arrange(words, [], 1300)
    result = arrange_with_tables(words, [], [], 1300)
    assert result.words == plain.words and result.blocks == plain.blocks and result.tables == []


def test_a_table_with_no_word_in_it_is_dropped_and_empty_cells_have_no_block() -> None:
    words = [word("L0", 110, 215, 0)]
    result = arrange_with_tables(words, [], [FORM], 1300)
    (found,) = result.tables
    assert [c.block for c in found.cells] == [0, None, None, None, None, None]
    assert arrange_with_tables([word("x", 100, 700, 0)], [], [FORM], 1300).tables == []


def test_cells_of_a_decree_30_paper_are_its_body() -> None:
    words = [word("CỘNG", 700, 20, 0), word("HÒA", 800, 20, 0), word("L0", 110, 215, 1)]
    result = arrange_with_tables(words, [], [FORM], 1300)
    assert result.blocks[-1].role is BlockRole.BODY


def test_cell_text_is_the_stored_text_of_its_words_a_line_per_line() -> None:
    labels = [word(f"L{r}", 110, 215 + 60 * r, r) for r in range(3)]
    values = [word("giá", 510, 205, 3), word("trị", 610, 205, 3), word("hai", 510, 238, 4)]
    values.append(word("ba", 510, 335, 5))
    result = arrange_with_tables(labels + values, [], [FORM], 1300)
    corrected = [w.model_copy(update={"text": w.text.upper()}) for w in result.words]
    (found,) = with_text(result.tables, corrected)
    assert [c.text for c in found.cells] == ["L0", "GIÁ TRỊ\nHAI", "L1", "", "L2", "BA"]


# -- generated pages read by the whole pipeline ---------------------------------------------------


@cache
def read(kind: str, seed: int) -> tuple[TablePage, PageResult]:
    page = ruled_form(seed) if kind == "form" else ruled_annex(seed)
    scan = colour_scan(page, np.random.default_rng(seed), dpi=200)
    return page, recognise_document(scan.data, OcrOptions()).pages[0]


def test_a_scanned_form_is_read_label_then_value() -> None:
    page, result = read("form", 3)
    assert cer(page.text, result.text) < 0.01
    (found,) = result.tables
    assert (found.rows, found.columns) == (page.rows, 2)
    for got, truth in zip(found.cells, page.cells, strict=True):
        assert cer(" ".join(truth.lines), got.text) < 0.05, (got.text, truth.lines)


def test_a_scanned_annex_is_read_row_by_row() -> None:
    page, result = read("annex", 5)
    assert cer(page.text, result.text) < 0.03


def test_the_hocr_of_a_scanned_form_has_its_table_and_our_reading_order() -> None:
    page, result = read("form", 3)
    assert result.hocr is not None
    root = ET.fromstring(result.hocr.encode())
    words = [e.text for e in root.iter() if e.get("class") == "ocrx_word"]
    assert words == [w.text for w in result.words]
    (table,) = [e for e in root.iter() if e.get("class") == "ocr_table"]
    assert len([e for e in table.iter() if e.tag.endswith("}td")]) == len(page.cells)


def test_a_word_tesseract_made_across_cells_stays_in_the_table() -> None:
    # A column of item numbers read as one tall word down the label cells: the table's, in the
    # cell holding most of it, not a block of its own read before the page's title.
    title = [word("TITLE", 400, 100, 0)]
    junk = Word(
        text="t[Erl",
        confidence=20,
        box=Box(left=102, top=205, width=8, height=170),
        block=1,
        line=1,
    )
    labels = [word(f"L{r}", 120, 215 + 60 * r, 2 + r) for r in range(3)]
    result = arrange_with_tables([junk, *title, *labels], [], [FORM], 1300)
    assert texts(result.words) == ["TITLE", "L0", "t[Erl", "L1", "L2"]


def test_rules_read_as_bars_are_left_out_of_the_cells_and_nowhere_else() -> None:
    # A 1-bit scan keeps its rules on the page Tesseract reads: it reads them as "|", "|_".
    words = [
        word("|", 102, 215, 0, width=6),
        word("|Bộ", 110, 215, 0),
        word("Công", 210, 215, 0),
        word("-", 510, 215, 1, width=10),
        word("Sửa", 530, 215, 1),
        word("|_", 492, 275, 2, width=12),
        word("|", 300, 600, 3, width=6),  # not in the table: not ours to judge
    ]
    result = arrange_with_tables(words, [], [FORM], 1300)
    assert texts(result.words) == ["Bộ", "Công", "-", "Sửa", "|"]


def test_a_page_without_rules_is_read_without_tables() -> None:
    page = render_page(pick(5, seed=12), title="THÔNG BÁO", dpi=200)
    scan = colour_scan(page, np.random.default_rng(12), dpi=200)
    result = recognise_document(scan.data, OcrOptions()).pages[0]
    assert result.tables == [] and cer(page.text, result.text) < 0.01
    assert result.hocr is not None and "ocr_table" not in result.hocr.split("<body>")[1]


def test_words_tesseract_stretched_over_two_lines_do_not_glue_them() -> None:
    # A deadline cell of a real annex page ("Liên tục khi / có rủi ro mới / phát sinh"), its
    # first line's boxes stretched down over the second: read as three lines, not interleaved.
    boxes = {
        "CÓ": (2110, 237, 27, 16),
        "Liên": (2116, 195, 103, 42),
        "rủi": (2146, 237, 33, 35),
        "tục": (2179, 191, 41, 54),
        "ro": (2189, 238, 26, 32),
        "mới": (2223, 237, 48, 17),
        "khi": (2228, 196, 43, 41),
        "phát": (2134, 266, 50, 29),
        "sinh": (2190, 266, 57, 29),
    }
    words = [
        Word(text=t, confidence=90, box=Box(left=x, top=y, width=w, height=h), block=0, line=0)
        for t, (x, y, w, h) in boxes.items()
    ]
    deadline = table(cell(0, 0, (1900, 187, 190, 321)), cell(0, 1, (2090, 187, 200, 321)))
    result = arrange_with_tables(words, [], [deadline], 2400)
    (found,) = with_text(result.tables, result.words)
    assert found.cells[1].text == "Liên tục khi\nCÓ rủi ro mới\nphát sinh"
