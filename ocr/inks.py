"""Coloured ink: a seal or a signature is faded out of what Tesseract reads, coloured print is not.

Seals and signatures cross the text and Tesseract reads their strokes as letters, so their ink
is faded into the paper (`photometry.drop_colour_ink`). But red and blue are also printed text:
the red title "CĂN CƯỚC CÔNG DÂN" of the citizen's card, "KHẨN" on urgent papers, some headers.
What tells them apart is layout: print is letters of one height side by side on a baseline;
a seal is a ring with its text running round it, a signature a few long looping strokes.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.geometry import labelled, reduce, u8
from ocr.photometry import Gray, drop_colour_ink, extremes
from ocr.regions import WORK_PX_PER_MM, seal_boxes

COLOURED = 60
"""Chroma (max - min channel) from which a pixel is coloured ink, as `has_colour_ink` counts."""
DEEP = 110
"""Darkest channel at most this: saturated, deep ink (red print ~40, a pale pink tint ~130)."""
BLACK = 110
"""Brightest channel under this (and little chroma): black print, also in a photo's shade."""
OVERPRINTED = 0.03
"""A line of coloured letters whose box holds more black ink than this share lies over text."""
LETTER_MM = (0.8, 12.0)
"""Heights of a printed letter's ink, in mm of an A4 page: from body text to a card title."""
MIN_LETTERS = 4
"""Fewer letter-shaped marks in a row are no line of print ("KHẨN" has four)."""
MAX_MARKS = 3000
"""More coloured marks than this is a pattern (security paper), not print: it is all faded."""


def drop_mark_ink(rgb: NDArray[np.uint8]) -> Gray:
    """Greyscale with seal and signature ink faded into the paper and coloured print kept dark."""
    return drop_inks(rgb)[0]


def drop_inks(
    rgb: NDArray[np.uint8],
    *,
    channels: tuple[Gray, Gray] | None = None,
    everything: Gray | None = None,
) -> tuple[Gray, Gray]:
    """The page with seal and signature ink faded and coloured print kept dark (what Tesseract
    reads), and the page with all coloured ink faded (what the table finder looks at: rules
    are printed black), from one split of the page into its channels.

    The page's whole coloured ink is faded as `drop_colour_ink` does, then in the boxes of
    coloured text lines (`printed_lines`) the ink is put back as dark as its darkest channel:
    red print (luminance ~85) would read as mid grey, and Tesseract drops the breve of a grey
    "Ă" where it keeps a black one's. `channels` (`photometry.extremes`) and `everything`
    (`photometry.drop_colour_ink`) of this same page are taken where the caller has them.
    """
    channels = channels if channels is not None else extremes(rgb)
    if everything is None:
        everything = drop_colour_ink(rgb, channels=channels)
    boxes = printed_lines(rgb, channels=channels)
    faded = everything.copy()  # two pages: what Tesseract reads may be painted on later
    brightest, darkest_of = channels
    for x, y, w, h in boxes:
        darkest = darkest_of[y : y + h, x : x + w]
        chroma = cv2.subtract(brightest[y : y + h, x : x + w], darkest)
        luminance = cv2.cvtColor(rgb[y : y + h, x : x + w], cv2.COLOR_RGB2GRAY)
        faded[y : y + h, x : x + w] = np.where(chroma >= COLOURED, darkest, luminance)
    return faded, everything


def printed_lines(
    rgb: NDArray[np.uint8], *, channels: tuple[Gray, Gray] | None = None
) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, width, height) of coloured ink laid out as lines of letters, outside
    seals. A page's scale is taken as A4 (its short side 210 mm): a card's face, warped out of
    a photo, looks 2.5 times larger, which the range of letter heights allows."""
    height, width = rgb.shape[:2]
    px = min(height, width) / 210.0
    brightest, darkest = channels if channels is not None else extremes(rgb)
    chroma = cv2.subtract(brightest, darkest)
    _, coloured = cv2.threshold(chroma, COLOURED, 255, cv2.THRESH_BINARY)
    # Print is deep ink; the pale tints of security paper's guilloche are no letters.
    _, deep = cv2.threshold(darkest, DEEP, 255, cv2.THRESH_BINARY_INV)
    marks = u8(cv2.bitwise_and(coloured, deep))
    # Labelled within the marks' bounding box: a card on a flatbed's A4 page is a tenth of it.
    left, top, span, tall = cv2.boundingRect(marks)
    if not span or not tall:
        return []
    count, _, stats, _ = labelled(marks[top : top + tall, left : left + span])
    if count <= 1:
        return []
    boxes = stats[1:, :4].astype(np.int64) + np.array([left, top, 0, 0], np.int64)
    low, high = (mm * px for mm in LETTER_MM)
    heights, widths = boxes[:, 3], boxes[:, 2]
    letters = boxes[(heights >= low) & (heights <= high) & (widths <= 2.5 * heights)]
    if len(letters) < MIN_LETTERS or len(letters) > MAX_MARKS:
        return []
    letters = _outside_seals(letters, rgb, px)
    # Black ink inside the line's box: a mark pressed or signed over the text, whose strokes the
    # text cuts into letter-like pieces (a signature's loops then read like "uuuu"). Coloured
    # print stands on its own line: a title, a header, a stamp-like "KHẨN" in the margin.
    return [
        _padded(line, width, height)
        for line in _lines(letters)
        if _black_share(rgb[line[1] : line[1] + line[3], line[0] : line[0] + line[2]]) < OVERPRINTED
    ]


def _black_share(box: NDArray[np.uint8]) -> float:
    """The share of `box`'s pixels that are black ink: dark in every channel, little chroma."""
    red, green, blue = cv2.split(box)
    high = cv2.max(cv2.max(red, green), blue)
    chroma = cv2.subtract(high, cv2.min(cv2.min(red, green), blue))
    black = cv2.bitwise_and(
        cv2.threshold(high, BLACK, 255, cv2.THRESH_BINARY_INV)[1],
        cv2.threshold(chroma, COLOURED // 2, 255, cv2.THRESH_BINARY_INV)[1],
    )
    pixels: int = box.shape[0] * box.shape[1]
    return float(cv2.countNonZero(black)) / max(1, pixels)


def _outside_seals(
    letters: NDArray[np.int64], rgb: NDArray[np.uint8], px: float
) -> NDArray[np.int64]:
    """The letters that are not inside a seal: a seal's name runs round its ring, and near the
    top of the ring four or five of its letters stand almost on one baseline. Seals are found
    in red ink alone (`ocr.regions`): a blue signature crossing one would make one odd blob."""
    small, shrink = reduce(rgb, WORK_PX_PER_MM / px)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red = (sat > 70) & (val > 50) & ((hue < 12) | (hue > 160))
    keep = np.ones(len(letters), bool)
    cx = letters[:, 0] + letters[:, 2] / 2
    cy = letters[:, 1] + letters[:, 3] / 2
    for box, _ in seal_boxes(red, px * shrink):
        sx, sy, sw, sh = (v / shrink for v in box)
        keep &= ~((cx >= sx) & (cx <= sx + sw) & (cy >= sy) & (cy <= sy + sh))
    return letters[keep]


def _lines(letters: NDArray[np.int64]) -> list[tuple[int, int, int, int]]:
    """Letters chained left to right (a gap under a letter's height, bottoms or tops level,
    heights alike) into lines of at least `MIN_LETTERS`; the box of each line."""
    x, y, w, h = (letters[:, k].astype(np.float64) for k in range(4))
    right, bottom = x + w, y + h
    tall = np.maximum(h[:, None], h[None, :])
    gap = x[None, :] - right[:, None]  # from i's right edge to j's left edge
    level = (np.abs(bottom[:, None] - bottom[None, :]) <= 0.3 * tall) | (
        np.abs(y[:, None] - y[None, :]) <= 0.3 * tall
    )
    alike = tall <= 2.2 * np.minimum(h[:, None], h[None, :])
    linked = (gap >= -0.2 * tall) & (gap <= 1.0 * tall) & level & alike
    np.fill_diagonal(linked, False)
    parent = list(range(len(letters)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(linked), strict=True):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(letters)):
        groups.setdefault(root(i), []).append(i)
    lines = []
    for members in groups.values():
        if len(members) < MIN_LETTERS:
            continue
        index = np.array(members)
        left, top = x[index].min(), y[index].min()
        width, height = right[index].max() - left, bottom[index].max() - top
        letter = float(np.median(h[index]))
        # One line, long and thin: fragments of a seal's ring and name cut by the text over it,
        # or of a signature's loops, chain into compact or stacked clusters instead.
        if height > 1.6 * letter or width < 2.5 * letter:
            continue
        lines.append((round(left), round(top), round(width), round(height)))
    return lines


def _padded(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """A line's box grown to take in its marks: tone marks above capitals (the breve of Ă, the
    hook and acute of Ớ stand apart from their letter), dots below, a letter's width sideways."""
    x, y, w, h = box
    left, top = max(0, x - h // 2), max(0, y - round(0.8 * h))
    right, bottom = min(width, x + w + h // 2), min(height, y + h + round(0.4 * h))
    return (left, top, right - left, bottom - top)
