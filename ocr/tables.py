"""Ruled tables and forms: ruling lines found by morphology, the grid they draw, its cells.

Tesseract's page segmentation, and our whitespace cut that prefers columns, read a ruled form
column by column (every label, then every value). The rules say what the cells are: found here
on the upright page, so `ocr.table_layout` can read a table row by row and each row cell by cell.
Sizes are in millimetres of paper, so one rule holds at 150 and at 300 dpi.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from models.recognition import Box, Table, TableCell
from ocr import photometry
from ocr.geometry import labelled, u8

WORK_PX_PER_MM = 8.0
"""Resolution of the search (203 dpi): a 0.2 mm rule is still a line of a pixel or two."""
MIN_RULE_MM = 6.0
"""A straight run of ink this long is a rule, not a letter: capitals of a 16 pt title are ~4 mm."""
MAX_THICKNESS_MM = 1.2
"""A run thicker than this is a bar (a filled band, a photo's edge), not a ruling line."""
SAME_RULE_MM = 1.2
"""Rules closer than this are one boundary (a double rule, the two edges of a thick one)."""
MIN_BAND_MM = 2.0
"""No row or column of a table is narrower than a line of small print (~3 mm)."""
SEGMENT_MM = 3.5
"""A rule between two cells is a straight run at least this long (a one-line row of small print
is ~5 mm tall with its rules), longer than any stroke of a letter of body text."""
MIN_WIDTH_MM = 20.0
"""Two columns of words at least: a narrower grid is a mark's strokes, a box to tick."""
LONG_RULE = 0.5
"""Share of a table's width (height) two of its horizontal (vertical) rules run at least."""
SQUEEZE = 4
"""Rules are labelled on copies this many times smaller along them (they stay rules)."""
COVERED = 0.9
"""A separator is there when such runs cover this share of its length: a rule broken here and
there is still a rule."""


@dataclass(frozen=True)
class _Rule:
    position: float
    """Centre across the rule (y of a horizontal one, x of a vertical one), work pixels."""
    start: int
    end: int
    half: float
    """Half its extent across (thickness and any residual skew)."""


def find_tables(
    page: NDArray[np.uint8],
    *,
    dpi: float,
    scale: float = 1.0,
    faded: NDArray[np.uint8] | None = None,
) -> list[Table]:
    """The ruled tables on `page` (RGB or grey, upright), with boxes in the pixels of the page
    resampled by `scale` (the image Tesseract read). A table has at least two rows and two
    columns; rules that cross nothing (a title's underline, the line to sign on) are no table.
    `faded` is `page` with its coloured ink faded, where the caller has it."""
    shrink = WORK_PX_PER_MM * 25.4 / dpi
    # Only a page of far more pixels is shrunk: resampling by nearly 1 costs as much as by 2
    # (a 200 dpi page is 1 % over the work resolution), and the rules' sizes scale with `px`.
    shrink = 1.0 if shrink >= 0.8 else shrink
    # Grey first, then shrunk: rules are printed black, so seals and signatures are faded out
    # at the page's resolution (cheap: only tinted pixels are touched) and the fractional
    # resampling runs on one channel, not three (36 ms an A4 page at 300 dpi, not 81).
    if page.ndim == 2:
        grey = page
    elif faded is not None:
        grey = faded
    elif photometry.has_colour_ink(page):
        grey = photometry.drop_colour_ink(page)
    else:
        grey = u8(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY))
    if shrink != 1.0:
        size = (max(1, round(grey.shape[1] * shrink)), max(1, round(grey.shape[0] * shrink)))
        grey = u8(cv2.resize(grey, size, interpolation=cv2.INTER_AREA))
    px = dpi * shrink / 25.4  # work pixels per millimetre
    ink = _ink(grey, px)
    length = max(8, round(MIN_RULE_MM * px))
    across_kernel, down_kernel = np.ones((1, length), np.uint8), np.ones((length, 1), np.uint8)
    # An opening is the erosion dilated: it is empty exactly when the erosion is. Most pages
    # (body text, perhaps an underline) have no run down the page: told by one erosion, ~2 ms,
    # where both openings took ~14 ms on a 200 dpi page.
    down_core = u8(cv2.erode(ink, down_kernel))
    if not cv2.countNonZero(down_core):
        return []
    across_core = u8(cv2.erode(ink, across_kernel))
    if not cv2.countNonZero(across_core):
        return []  # nothing to cross the runs down
    horizontal = u8(cv2.dilate(across_core, across_kernel))
    vertical = u8(cv2.dilate(down_core, down_kernel))
    # Rules that touch are one frame; labelled on a quarter-size copy (a rule stays joined).
    frame = _pooled(u8(cv2.bitwise_or(horizontal, vertical)), SQUEEZE, SQUEEZE)
    count, found, _, _ = labelled(frame)
    labels: NDArray[np.int32] = np.asarray(found, dtype=np.int32)
    across = _rules(horizontal, labels, px, vertical=False)
    down = _rules(vertical, labels, px, vertical=True)
    tables = []
    for label in range(1, count):
        if label not in across or label not in down:
            continue
        # The table spans what its rules span, vertical ones from top to bottom and horizontal
        # ones from left to right; a run beyond (a seal's rim touching the frame) is no rule of it.
        top, bottom = min(r.start for r in down[label]), max(r.end for r in down[label])
        left, right = min(r.start for r in across[label]), max(r.end for r in across[label])
        if right - left < MIN_WIDTH_MM * px or bottom - top < 2 * MIN_BAND_MM * px:
            continue
        rows = _boundaries(_within(across[label], (top, bottom), px), (top, bottom), px)
        columns = _boundaries(_within(down[label], (left, right), px), (left, right), px)
        if not (_ruled(rows, right - left) and _ruled(columns, bottom - top)):
            continue
        table = _table(
            _segments(ink, (left, top, right, bottom), px), rows, columns, scale / shrink
        )
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: (t.box.top, t.box.left))


def _segments(
    ink: NDArray[np.uint8], box: tuple[int, int, int, int], px: float
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """Straight runs of ink across and down inside a table's box (page-sized, zero outside):
    the separators between its cells are checked on them, shorter than rules are found by, as
    a rule may run along one short row only."""
    short = max(5, round(SEGMENT_MM * px))
    margin = round(2 * SAME_RULE_MM * px)
    left, top = max(0, box[0] - margin), max(0, box[1] - margin)
    right, bottom = box[2] + margin + 1, box[3] + margin + 1
    crop = ink[top:bottom, left:right]
    runs = []
    for kernel in (np.ones((1, short), np.uint8), np.ones((short, 1), np.uint8)):
        whole = np.zeros_like(ink)
        whole[top:bottom, left:right] = cv2.morphologyEx(crop, cv2.MORPH_OPEN, kernel)
        runs.append(whole)
    return runs[0], runs[1]


def _pooled(mask: NDArray[np.uint8], down: int, across: int) -> NDArray[np.uint8]:
    """`mask` made `down` times shorter and `across` times narrower, keeping any ink (a max
    pool: a dilation then every n-th pixel, cheaper than an area resize)."""
    grown = cv2.dilate(mask, np.ones((down, across), np.uint8))
    return u8((grown[::down, ::across] > 0).astype(np.uint8))


def _ink(grey: NDArray[np.uint8], px: float) -> NDArray[np.uint8]:
    """Ink against the paper around it (2 mm): uneven light and a grey copy leave rules dark."""
    block = max(3, round(2 * px) | 1)
    return u8(
        cv2.adaptiveThreshold(
            grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 20
        )
    )


def _rules(
    mask: NDArray[np.uint8], frame: NDArray[np.int32], px: float, *, vertical: bool
) -> dict[int, list[_Rule]]:
    """Thin straight runs of `mask`, grouped by the frame (joined rules) each belongs to.

    Labelled on a copy squeezed `SQUEEZE` times along the runs: a run stays one run, its
    position across is exact, and labelling (most of this module's cost) reads a quarter of the
    pixels.
    """
    squeezed = _pooled(mask, SQUEEZE, 1) if vertical else _pooled(mask, 1, SQUEEZE)
    count, _, stats, _ = labelled(squeezed)
    found: dict[int, list[_Rule]] = {}
    for k in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[k])
        along, across, start = (h, w, y) if vertical else (w, h, x)
        if area / along > MAX_THICKNESS_MM * px:
            continue  # thicker than a rule: a bar
        # Its frame: the one most of its box lies on (a bowed rule's middle may be off it).
        left, top = (x, y * SQUEEZE) if vertical else (x * SQUEEZE, y)
        right, bottom = (x + w, (y + h) * SQUEEZE) if vertical else ((x + w) * SQUEEZE, y + h)
        strip = frame[
            top // SQUEEZE : bottom // SQUEEZE + 1, left // SQUEEZE : right // SQUEEZE + 1
        ]
        votes = np.bincount(strip.ravel())
        votes[0] = 0
        label = int(votes.argmax())
        if label == 0:
            continue
        position = x + (w - 1) / 2 if vertical else y + (h - 1) / 2
        first = SQUEEZE * start
        found.setdefault(label, []).append(
            _Rule(position, first, first + SQUEEZE * along - 1, across / 2)
        )
    return found


def _ruled(boundaries: list[_Boundary], extent: int) -> bool:
    """A grid has two rules at least across its whole width (and down its whole height), if
    broken or interrupted by a merged cell: the strokes of a signature or a seal's lettering,
    which cross too, have no two such lines."""
    return sum(b.length >= LONG_RULE * extent for b in boundaries) >= 2


def _within(rules: list[_Rule], extent: tuple[int, int], px: float) -> list[_Rule]:
    margin = SAME_RULE_MM * px
    return [r for r in rules if extent[0] - margin <= r.position <= extent[1] + margin]


@dataclass(frozen=True)
class _Boundary:
    position: float
    half: float
    length: int
    """How long its rules run, together (an edge with no rule: 1)."""


def _boundaries(rules: list[_Rule], extent: tuple[int, int], px: float) -> list[_Boundary]:
    """Where rows (columns) part. Rules at about the same place are one boundary, even when
    they are offset a little (a table printed in parts, a rule drawn twice): no row or column
    is narrower than `MIN_BAND_MM`. The frame's edges are boundaries too where no rule is (a
    table open at the page's foot still ends there)."""
    items = list(rules)
    for edge in extent:
        if all(abs(r.position - edge) >= r.half + MIN_BAND_MM * px for r in rules):
            items.append(_Rule(float(edge), edge, edge, 1.0))
    groups: list[list[_Rule]] = []
    for rule in sorted(items, key=lambda r: r.position):
        if groups:
            group = groups[-1]
            reach = max(r.position + r.half for r in group)
            near = rule.position - rule.half - reach <= SAME_RULE_MM * px
            if near or rule.position - group[0].position < MIN_BAND_MM * px:
                group.append(rule)
                continue
        groups.append([rule])
    found = []
    for group in groups:
        weights = [r.end - r.start + 1 for r in group]
        position = sum(r.position * w for r, w in zip(group, weights, strict=True)) / sum(weights)
        half = max(abs(r.position - position) + r.half for r in group)
        found.append(_Boundary(position, half, sum(weights)))
    return found


def _covered(
    runs: NDArray[np.uint8], across: _Boundary, span: tuple[float, float], *, vertical: bool
) -> bool:
    """Whether a rule runs at `across` all along `span` (between two crossing boundaries):
    `runs` are the page's straight runs of ink along that direction."""
    low, high = round(span[0]), round(span[1])
    if high - low < 2:
        return True
    width = int(np.ceil(across.half)) + 2
    centre = round(across.position)
    if vertical:
        strip = runs[low:high, max(0, centre - width) : centre + width + 1]
        hits = strip.any(axis=1)
    else:
        strip = runs[max(0, centre - width) : centre + width + 1, low:high]
        hits = strip.any(axis=0)
    return bool(hits.size) and float(hits.mean()) >= COVERED


def _table(
    segments: tuple[NDArray[np.uint8], NDArray[np.uint8]],
    rows: list[_Boundary],
    columns: list[_Boundary],
    factor: float,
) -> Table | None:
    """The grid's cells, merged where a separator is missing; None unless it is a table."""
    n_rows, n_columns = len(rows) - 1, len(columns) - 1
    if n_rows < 1 or n_columns < 1:
        return None
    ys = [b.position for b in rows]
    xs = [b.position for b in columns]
    groups = _Groups(n_rows * n_columns)
    for r in range(n_rows):
        # the joints are inked by the crossing rule itself: leave them out of the check
        inside = (ys[r] + rows[r].half + 1, ys[r + 1] - rows[r + 1].half - 1)
        for c in range(1, n_columns):
            if not _covered(segments[1], columns[c], inside, vertical=True):
                groups.join(r * n_columns + c - 1, r * n_columns + c)
    for c in range(n_columns):
        inside = (xs[c] + columns[c].half + 1, xs[c + 1] - columns[c + 1].half - 1)
        for r in range(1, n_rows):
            if not _covered(segments[0], rows[r], inside, vertical=False):
                groups.join((r - 1) * n_columns + c, r * n_columns + c)
    spans = _rectangles(groups, n_rows, n_columns)
    # A boundary no cell starts or ends at (every cell spans it) draws no row or column.
    used_rows = sorted({r for r0, _, r1, _ in spans for r in (r0, r1)})
    used_columns = sorted({c for _, c0, _, c1 in spans for c in (c0, c1)})
    if len(used_rows) < 3 or len(used_columns) < 3 or len(spans) < 3:
        return None
    row_at = {r: k for k, r in enumerate(used_rows)}
    column_at = {c: k for k, c in enumerate(used_columns)}

    def box(left: float, top: float, right: float, bottom: float) -> Box:
        return Box(
            left=round(left * factor),
            top=round(top * factor),
            width=round((right - left) * factor),
            height=round((bottom - top) * factor),
        )

    cells = [
        TableCell(
            row=row_at[r0],
            column=column_at[c0],
            row_span=row_at[r1] - row_at[r0],
            column_span=column_at[c1] - column_at[c0],
            box=box(xs[c0], ys[r0], xs[c1], ys[r1]),
        )
        for r0, c0, r1, c1 in sorted(spans)
    ]
    return Table(
        box=box(xs[0], ys[0], xs[-1], ys[-1]),
        rows=len(used_rows) - 1,
        columns=len(used_columns) - 1,
        cells=cells,
    )


class _Groups:
    """Union-find over the grid's elementary cells (row-major indices)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, k: int) -> int:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _rectangles(groups: _Groups, n_rows: int, n_columns: int) -> list[tuple[int, int, int, int]]:
    """Merged cells as (first row, first column, end row, end column), ends exclusive. A group
    that is no rectangle (a rule missed on one side only) takes its bounding rectangle and
    swallows what it covers, until every group is a rectangle."""
    while True:
        bounds: dict[int, tuple[int, int, int, int]] = {}
        for r in range(n_rows):
            for c in range(n_columns):
                g = groups.find(r * n_columns + c)
                r0, c0, r1, c1 = bounds.get(g, (r, c, r + 1, c + 1))
                bounds[g] = (min(r0, r), min(c0, c), max(r1, r + 1), max(c1, c + 1))
        changed = False
        for g, (r0, c0, r1, c1) in bounds.items():
            for k in (r * n_columns + c for r in range(r0, r1) for c in range(c0, c1)):
                if groups.find(k) != groups.find(g):
                    groups.join(k, g)
                    changed = True
        if not changed:
            return list(bounds.values())
