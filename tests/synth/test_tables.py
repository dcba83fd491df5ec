"""Generated ruled pages: their truth is the grid as drawn, read row by row and cell by cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from bench.tables import write_set
from synth.tables import TablePage, ruled_annex, ruled_form


@pytest.mark.parametrize("make", [ruled_form, ruled_annex])
def test_cells_tile_the_grid_and_the_truth_reads_them_in_order(
    make: Callable[[int], TablePage],
) -> None:
    for seed in range(3):
        page = make(seed)
        covered = [
            (r, c)
            for cell in page.cells
            for r in range(cell.row, cell.row + cell.row_span)
            for c in range(cell.column, cell.column + cell.column_span)
        ]
        assert sorted(covered) == [(r, c) for r in range(page.rows) for c in range(page.columns)]
        order = [(cell.row, cell.column) for cell in page.cells]
        assert order == sorted(order)
        cell_lines = [line for cell in page.cells for line in cell.lines]
        lines = page.text.split("\n")
        start = lines.index(cell_lines[0])
        assert lines[start : start + len(cell_lines)] == cell_lines


def test_the_form_has_labels_beside_values_and_the_annex_merged_cells() -> None:
    form, annex = ruled_form(1), ruled_annex(1)
    assert form.columns == 2 and form.cells[0].lines[0].endswith("Họ và tên")
    assert any(c.row_span > 1 for c in annex.cells)
    assert any(c.column_span == annex.columns - 1 for c in annex.cells)
    assert ruled_form(1).text == form.text and ruled_form(2).text != form.text


def test_the_bench_set_is_written_at_200_dpi_with_its_truth(tmp_path: Path) -> None:
    written = write_set(tmp_path, forms=1, annexes=1, seed=3)
    assert [p.name for p in written] == ["form_0.png", "annex_0.png"]
    with Image.open(written[0]) as image:
        assert round(image.info["dpi"][0]) == 200
    assert (tmp_path / "form_0.gt.txt").read_text(encoding="utf-8") == ruled_form(3000).text + "\n"
