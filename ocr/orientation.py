"""Which way up a page is, guessed from the shapes of its letters (no Tesseract pass).

Two measures on the letter-sized ink of a copy whose x-height is ~14 px, each local to a letter
and its neighbours, so that rules, page edges, table grids, seals and photos do not count:
- **the axis of the lines**: letters of a word touch or nearly touch the next letter across the
  line, while the next line is further away. Each letter is asked whether ink of another letter
  lies within half an x-height to its right, and below it; upright or upside down, "right" wins
  by a factor of ten or more, turned by 90° "below" wins as clearly.
- **up or down**: Vietnamese marks (tone marks, circumflex, breve; the dots of i and j) sit above
  the letter they belong to, the dot below (nặng) is the only one under it. Each small blob is
  asked whether a letter lies just under it or just over it.
Projection profiles of all the ink, which decided before, were fooled by what is not text:
page edges and table rules made the profile across the page sharp (pages of short lines turned
by 90°), and the cells of a ruled table have no common baseline (tables turned by 180°).

The guess is a hypothesis: `ocr.checks` verifies a turn on a strip of the page before the page
is read that way (docs/design_notes.md, "How does sohoa decide which way up a page is?").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr import photometry
from ocr.geometry import labelled, rotate, rotate_right_angle, u8

MIN_WORK_X_HEIGHT = 12.0
"""The letters' x-height in the copy the measures work on is at least this: marks still stand
apart from their letters, and an A4 page at 300 dpi is measured at half size."""
MIN_EVIDENCE = 12
"""Fewer letters (or marks) than this on the page tell nothing: the page is kept as given."""


@dataclass(frozen=True)
class Evidence:
    """Counts behind one decision: how many letters (marks) voted each way."""

    for_: int
    against: int

    @property
    def total(self) -> int:
        return self.for_ + self.against

    @property
    def balance(self) -> float:
        """+1 all for, −1 all against, 0 when nothing was seen."""
        return (self.for_ - self.against) / self.total if self.total else 0.0


@dataclass(frozen=True)
class Guess:
    """What the letters say: turn (clockwise degrees to undo), skew, and the votes behind it."""

    turn: int
    skew: float
    lines: Evidence
    """Letters with a neighbour along the lines as read at `turn`, against across them."""
    marks: Evidence
    """Marks above their letter at `turn`, against below."""
    x_height: float
    """Of the letters, in the page's pixels, measured along the lines whichever way they run."""


@dataclass(frozen=True)
class Letters:
    """Letter-sized ink of a work copy: the mask, the boxes of its blobs, the work x-height."""

    mask: NDArray[np.uint8]
    """1 where a letter body is, 0 elsewhere (small marks and big blobs left out)."""
    boxes: NDArray[np.int32]
    """(x, y, w, h) of each letter body."""
    marks: NDArray[np.int32]
    """(x, y, w, h) of each blob small enough to be a diacritic."""
    ink: NDArray[np.uint8]
    """All the ink of the copy (255), before letters and marks were told apart."""
    x_height: float
    scale: float
    """Of the copy to the page."""


def letters_of(gray: NDArray[np.uint8], x_height: float | None) -> Letters:
    """The letter bodies and marks of `gray` on a copy whose x-height is 12–24 px."""
    page_xh = x_height if x_height and x_height > 2 else 20.0
    # A whole factor keeps OpenCV's fast area resampling (see geometry.shrink); never below
    # MIN_WORK_X_HEIGHT, where marks start to merge into their letters.
    factor = max(1, int(page_xh // MIN_WORK_X_HEIGHT))
    if factor > 1:
        size = (gray.shape[1] // factor, gray.shape[0] // factor)
        small, scale = u8(cv2.resize(gray, size, interpolation=cv2.INTER_AREA)), 1.0 / factor
    else:
        small, scale = gray, 1.0
    xh = page_xh * scale
    block = max(15, int(4 * xh)) | 1
    local = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )
    # Darker than its surroundings AND on the ink side of the page's one threshold: the light
    # pattern of security paper and the grain of a photo are darker than their surroundings
    # too, but nowhere near as dark as print.
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = float(np.percentile(small[::4, ::4], 90))
    # Halfway from Otsu's threshold to the paper: thin marks, grey after anti-aliasing, stay in.
    _, dark = cv2.threshold(small, (otsu + paper) / 2, 255, cv2.THRESH_BINARY_INV)
    ink = u8(cv2.bitwise_and(local, u8(dark)))
    # Labelled within the ink's bounding box: a card on a flatbed's A4 page is a tenth of it.
    left, top, span, tall = cv2.boundingRect(ink)
    if not span or not tall:  # no ink at all: the whole (empty) copy, one background label
        left, top, span, tall = 0, 0, ink.shape[1], ink.shape[0]
    count, found, stats, _ = labelled(ink[top : top + tall, left : left + span])
    stats[:, :2] += (left, top)
    boxes = stats[1:, :4].astype(np.int32)
    w, h, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    # Told apart by size alone, the same whichever way the page lies: a mark is thin and short
    # (an accent, a circumflex, a dot), a letter body about an x-height to a cap height.
    long, short = np.maximum(w, h), np.minimum(w, h)
    mark = (short < 0.45 * xh) & (long < 1.0 * xh) & (area >= 2)
    body = ~mark & (long >= 0.5 * xh) & (long <= 2.5 * xh) & (short >= 0.15 * xh)
    lookup = np.zeros(count, np.uint8)
    lookup[1:][body] = 1
    mask = np.zeros_like(ink)
    mask[top : top + tall, left : left + span] = lookup[found]
    return Letters(
        mask=mask,
        boxes=boxes[body],
        marks=boxes[mark],
        ink=ink,
        x_height=xh,
        scale=scale,
    )


def _box_sums(mask: NDArray[np.uint8]) -> NDArray[np.int32]:
    return np.asarray(cv2.integral(mask), dtype=np.int32)


def _inked(mask: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], int, int]:
    """The mask cut to its ink's bounding box, and where the cut starts. The votes ask whether
    boxes hold ink, and there is none outside: the same answers from a card's eighth of a flatbed
    A4 page (the integral of the whole page took 35 ms, twice)."""
    left, top, width, height = cv2.boundingRect(mask)
    if not width or not height:
        return mask, 0, 0
    return mask[top : top + height, left : left + width], left, top


def _any_ink(
    sums: NDArray[np.int32],
    x0: NDArray[np.int32],
    y0: NDArray[np.int32],
    x1: NDArray[np.int32],
    y1: NDArray[np.int32],
) -> NDArray[np.bool_]:
    """Whether each rectangle [x0, x1) × [y0, y1) holds any ink, from the integral image."""
    height, width = sums.shape[0] - 1, sums.shape[1] - 1
    x0, x1 = np.clip(x0, 0, width), np.clip(x1, 0, width)
    y0, y1 = np.clip(y0, 0, height), np.clip(y1, 0, height)
    inside = sums[y1, x1] - sums[y0, x1] - sums[y1, x0] + sums[y0, x0]
    return np.asarray(inside > 0)


def line_votes(letters: Letters) -> Evidence:
    """Letters with a neighbour to their right only (for horizontal lines) against letters with
    one below only (for vertical lines), within half an x-height."""
    inked, left, top = _inked(letters.mask)
    sums = _box_sums(inked)
    x, y, w, h = letters.boxes.T
    x, y = x - left, y - top
    gap = max(2, round(0.5 * letters.x_height))
    right = _any_ink(sums, x + w, y, x + w + gap, y + h)
    below = _any_ink(sums, x, y + h, x + w, y + h + gap)
    return Evidence(int((right & ~below).sum()), int((below & ~right).sum()))


def mark_votes(letters: Letters, turn: int) -> Evidence:
    """Marks with a letter just under them (upright at `turn`) against just over them."""
    inked, left, top = _inked(letters.mask)
    sums = _box_sums(rotate_right_angle(inked, turn))
    marks = letters.marks - np.array([left, top, 0, 0], np.int32)
    x, y, w, h = _turned_boxes(marks, inked.shape, turn).T
    reach = max(2, round(0.5 * letters.x_height))
    under = _any_ink(sums, x, y + h, x + w, y + h + reach)
    over = _any_ink(sums, x, y - reach, x + w, y)
    return Evidence(int((under & ~over).sum()), int((over & ~under).sum()))


def _turned_boxes(boxes: NDArray[np.int32], shape: tuple[int, ...], turn: int) -> NDArray[np.int32]:
    """Boxes of an image as they lie after `rotate_right_angle(image, turn)`."""
    height, width = shape[:2]
    x, y, w, h = boxes.T
    if turn % 360 == 0:
        return boxes
    if turn % 360 == 180:
        return np.column_stack([width - x - w, height - y - h, w, h]).astype(np.int32)
    if turn % 360 == 90:  # counter-clockwise: (x, y) → (y, width − x)
        return np.column_stack([y, width - x - w, h, w]).astype(np.int32)
    return np.column_stack([height - y - h, x, h, w]).astype(np.int32)  # clockwise


def guess_pose(gray: NDArray[np.uint8], x_height: float | None, *, max_skew: float = 20.0) -> Guess:
    """Turn and skew of a page from its letters alone (tens of milliseconds)."""
    letters = letters_of(gray, x_height)
    along = line_votes(letters)
    # Too few letters to tell: the page as given is the default, never a coin toss.
    sideways = along.total >= MIN_EVIDENCE and along.against > along.for_
    axis = 90 if sideways else 0
    lines = Evidence(along.against, along.for_) if sideways else along
    if sideways:
        # The x-height measured on a sideways page is the letters' width: measure it across
        # the lines, and tell letters from marks again at the right size.
        across = photometry.x_height(letters.ink.T > 0)
        if across is not None:
            letters = letters_of(gray, across / letters.scale)
    skew = _skew(letters, axis, max_skew)
    upright = mark_votes(_deskewed(letters, skew), axis)
    flipped = upright.total >= MIN_EVIDENCE and upright.against > upright.for_
    turn = (axis + 180) % 360 if flipped else axis
    marks = Evidence(upright.against, upright.for_) if flipped else upright
    return Guess(
        turn=turn, skew=skew, lines=lines, marks=marks, x_height=letters.x_height / letters.scale
    )


def _deskewed(letters: Letters, skew: float) -> Letters:
    """The letters straightened by `skew` (marks above a skewed line drift off their letter)."""
    if abs(skew) < 2.0:
        return letters
    mask = rotate(letters.mask, skew, fill=0)
    marks = letters.marks
    height, width = letters.mask.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), skew, 1.0)
    matrix[0, 2] += (mask.shape[1] - width) / 2
    matrix[1, 2] += (mask.shape[0] - height) / 2
    centres = np.column_stack(
        [marks[:, 0] + marks[:, 2] / 2, marks[:, 1] + marks[:, 3] / 2, np.ones(len(marks))]
    )
    moved = centres @ matrix.T
    shifted = np.column_stack(
        [moved[:, 0] - marks[:, 2] / 2, moved[:, 1] - marks[:, 3] / 2, marks[:, 2], marks[:, 3]]
    ).astype(np.int32)
    return dataclasses.replace(letters, mask=mask, marks=shifted)


_MAX_POINTS = 20_000


def _skew(letters: Letters, axis: int, max_skew: float) -> float:
    """The lines' angle (degrees, counter-clockwise positive) from the letters' centres: the
    profile across the lines is sharpest at it."""
    boxes = letters.boxes
    if len(boxes) < MIN_EVIDENCE:
        return 0.0
    points = np.column_stack(
        [boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3]]  # bottoms sit on the baseline
    ).astype(np.float64)
    if axis == 90:
        points = np.column_stack([points[:, 1], -points[:, 0]])
    if len(points) > _MAX_POINTS:
        points = points[np.random.default_rng(0).choice(len(points), _MAX_POINTS, replace=False)]
    points -= points.mean(axis=0)
    return _best_angle(points, max_skew)


def _sharpness(points: NDArray[np.float64], degrees: float) -> float:
    theta = np.deg2rad(degrees)
    across = points[:, 1] * np.cos(theta) - points[:, 0] * np.sin(theta)
    counts = np.bincount((across - across.min()).astype(np.int64))
    return float(np.dot(counts, counts))


def _best_angle(points: NDArray[np.float64], span: float) -> float:
    """Coarse to fine: 1° over ±span, then 0.2°, 0.04°, 0.008° around the best."""
    best, low, high, step = 0.0, -span, span, 1.0
    while step >= 0.008:
        scores = [
            (_sharpness(points, float(a)), float(a)) for a in np.arange(low, high + step / 2, step)
        ]
        best = max(scores)[1]
        low, high, step = best - step, best + step, step / 5
    return best
