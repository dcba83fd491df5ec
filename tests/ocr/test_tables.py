"""Ruled tables (ocr.tables): the grid found on generated forms and annexes scanned at 200 dpi,
merged cells, and rules that cross nothing (underlines) taken for no table."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageDraw

from models.recognition import Table
from ocr.tables import find_tables
from synth.admin import admin_pages
from synth.corpus import pick
from synth.degrade import colour_scan
from synth.marks import seal_mask, signature_mask
from synth.render import render_page
from synth.tables import TablePage, ruled_annex, ruled_form

DPI = 200


@cache
def scanned(kind: str, seed: int) -> tuple[TablePage, np.ndarray]:
    page = ruled_form(seed) if kind == "form" else ruled_annex(seed)
    scan = colour_scan(page, np.random.default_rng(seed), dpi=DPI)
    return page, np.asarray(scan.image().convert("RGB"))


def _grid(table: Table) -> list[tuple[int, int, int, int]]:
    return [(c.row, c.column, c.row_span, c.column_span) for c in table.cells]


@pytest.mark.parametrize(("kind", "seed"), [("form", 1), ("form", 2), ("annex", 1), ("annex", 3)])
def test_the_grid_of_a_generated_page_is_found_cell_for_cell(kind: str, seed: int) -> None:
    page, image = scanned(kind, seed)
    tables = find_tables(image, dpi=DPI)
    assert len(tables) == 1  # the motto's and the title's underlines, the signing line: none
    (table,) = tables
    assert (table.rows, table.columns) == (page.rows, page.columns)
    assert _grid(table) == [(c.row, c.column, c.row_span, c.column_span) for c in page.cells]
    scale = DPI / page.dpi
    for found, truth in zip(table.cells, page.cells, strict=True):
        drawn = [round(v * scale) for v in truth.box]
        box = [found.box.left, found.box.top, found.box.width, found.box.height]
        assert all(abs(a - b) <= 3 for a, b in zip(box, drawn, strict=True)), (found, drawn)


def test_merged_cells_have_their_spans() -> None:
    _, image = scanned("annex", 1)
    (table,) = find_tables(image, dpi=DPI)
    spans = {(c.row_span, c.column_span) for c in table.cells}
    assert (1, 5) in spans  # a section heading across the table
    assert any(c.row_span > 1 for c in table.cells)  # an item over its several actions
    assert sum(c.row_span * c.column_span for c in table.cells) == table.rows * table.columns


def test_boxes_are_in_the_pixels_of_the_page_tesseract_reads() -> None:
    _, image = scanned("form", 1)
    (at_scan,) = find_tables(image, dpi=DPI)
    (at_double,) = find_tables(image, dpi=DPI, scale=2.0)
    assert abs(at_double.box.left - 2 * at_scan.box.left) <= 2
    assert abs(at_double.box.width - 2 * at_scan.box.width) <= 2


def test_a_page_without_rules_has_no_table() -> None:
    page = render_page(pick(8, seed=4), title="THÔNG BÁO", dpi=DPI)
    assert find_tables(np.asarray(page.image), dpi=DPI) == []


def test_underlines_and_a_signing_line_are_no_table() -> None:
    page = render_page(pick(8, seed=5), title="QUYẾT ĐỊNH", dpi=DPI)
    image = page.image.copy()
    draw = ImageDraw.Draw(image)
    mm = DPI / 25.4
    draw.line([(80 * mm, 27 * mm), (130 * mm, 27 * mm)], fill="black", width=2)  # under a title
    draw.line([(120 * mm, 270 * mm), (185 * mm, 270 * mm)], fill="black", width=2)  # to sign on
    draw.line([(30 * mm, 280 * mm), (190 * mm, 280 * mm)], fill="black", width=2)  # a footer rule
    assert find_tables(np.asarray(image), dpi=DPI) == []


def test_a_frame_round_a_paragraph_is_no_table() -> None:
    # One box (a boxed note) has no rows and columns to read in any other order.
    page = render_page(pick(4, seed=6), title=None, dpi=DPI, motto=False)
    image = page.image.copy()
    mm = DPI / 25.4
    ImageDraw.Draw(image).rectangle(
        (25 * mm, 15 * mm, 195 * mm, 120 * mm), outline="black", width=2
    )
    assert find_tables(np.asarray(image), dpi=DPI) == []


def test_a_table_found_on_a_grey_scan_with_uneven_light() -> None:
    page, image = scanned("form", 2)
    grey = np.asarray(Image.fromarray(image).convert("L"), dtype=np.float32)
    shade = np.linspace(0.55, 1.0, grey.shape[1], dtype=np.float32)[None, :]
    dim = (grey * shade).astype(np.uint8)  # one side of the sheet in the scanner lid's shadow
    (table,) = find_tables(dim, dpi=DPI)
    assert (table.rows, table.columns) == (page.rows, 2)


@pytest.mark.parametrize("colour", [True, False])
def test_a_signature_over_a_seal_is_no_table(colour: bool) -> None:
    # The loops of a signature cross the seal's ring and each other in straight-enough strokes;
    # on a colour scan they are ink of no print colour, on a grey copy they are no grid.
    _, one_column = admin_pages(pick(14, seed=3), seed=3)
    image = one_column.image if colour else one_column.image.convert("L")
    assert find_tables(np.asarray(image), dpi=one_column.dpi) == []


def _flourish(seed: int) -> np.ndarray:
    """A grey copy of a large signature over a seal, each drawn twice the usual size."""
    rng = np.random.default_rng(seed)
    signature, seal = signature_mask(2 * 300, rng), seal_mask(2 * 300, rng)
    page = np.full((1600, 1600), 250.0, np.float32)
    for mask, at, darkness in ((signature, 100, 230.0), (seal, 300, 200.0)):
        h, w = mask.shape
        ink = 250.0 - mask.astype(np.float32) * darkness / max(1, int(mask.max()))
        page[at : at + h, at : at + w] = np.minimum(page[at : at + h, at : at + w], ink)
    return page.astype(np.uint8)


def test_strokes_that_cross_without_two_long_rules_each_way_are_no_table() -> None:
    # Loops and a ring cross in straight-enough strokes wider than two columns of words, but
    # a grid has two rules at least running across it and two running down it.
    assert all(find_tables(_flourish(seed), dpi=300) == [] for seed in range(8))
