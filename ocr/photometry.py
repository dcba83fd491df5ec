"""Photometry: drop seal and signature ink by colour, flatten light and shadow, binarise, resample.

Each step works on numpy arrays and is cheap next to one Tesseract pass (milliseconds on an A4
page): heavy filters run on a quarter-size copy where the result is smooth anyway.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ocr.geometry import component_boxes, labelled, shrink, u8

Gray = NDArray[np.uint8]

# Tesseract scales each text line to its LSTM's input height itself, so the x-height matters
# less than one would think. Measured on our benchmark pages: an upscaled 100 dpi fax reads worse
# than the fax as it is (interpolation blurs the marks), and a 300 dpi page brought down to an
# x-height of 24 px costs Tesseract ~18 % less time but confuses more tone marks (ì/ỉ, ư/ứ) than
# plain Tesseract on clean pages. So we upscale only text too small for layout analysis and
# downscale only text larger than a 300 dpi scan's (close-up photos, big print).
X_HEIGHT_LOW, X_HEIGHT_HIGH, X_HEIGHT_TARGET = 8.0, 40.0, 30.0

STEP = 12
"""Grey levels by which the smoothed background may stray from the closing before the step is
taken for a shadow's edge and kept sharp (light falloff and yellowing stray by a few)."""


_RAMP_FROM = 35
_RAMP = np.clip((np.arange(256, dtype=np.float32) - _RAMP_FROM) / 40.0, 0.0, 1.0)
"""Weight of the lifted brightest channel by chroma: none up to 35, all from 75."""


def extremes(rgb: NDArray[np.uint8]) -> tuple[Gray, Gray]:
    """Each pixel's brightest and darkest channel. Computed once a page and shared: splitting
    an A4 page at 300 dpi into its channels costs 16 ms, and the ink steps each did it."""
    red, green, blue = cv2.split(rgb)
    return u8(cv2.max(cv2.max(red, green), blue)), u8(cv2.min(cv2.min(red, green), blue))


def drop_colour_ink(rgb: NDArray[np.uint8], *, channels: tuple[Gray, Gray] | None = None) -> Gray:
    """Greyscale in which saturated inks (red seals, blue signatures) fade into the paper.

    Black print stays dark in every channel; coloured ink is bright in at least one. So where a
    pixel is strongly coloured we take its brightest channel, lifted by its chroma, instead of
    its luminance: the seal becomes paper, black text crossing it stays black. The weight ramps
    with chroma so that a yellowish photo of white paper is not torn into speckle. `channels`
    are the page's `extremes` where the caller has them.
    """
    high, low = channels if channels is not None else extremes(rgb)
    chroma = cv2.subtract(high, low)
    luminance = u8(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    # Only pixels with some chroma change: on a scan of white paper that is a card's face or a
    # seal, a tenth of the page or less, so the blend runs on those pixels alone (the whole
    # page's blend cost 0.1 s an A4 page, a twelfth of a card scan's whole recognition).
    tinted = chroma > _RAMP_FROM
    if not tinted.any():
        return luminance
    some = chroma[tinted].reshape(-1, 1)
    lifted = cv2.add(high[tinted].reshape(-1, 1), some)  # saturates at 255
    weight = _RAMP[some]
    # OpenCV's uint8 maths throughout: the numpy version of this costs ~1 s on an A4 page
    blended = cv2.blendLinear(lifted, luminance[tinted].reshape(-1, 1), weight, 1.0 - weight)
    luminance[tinted] = blended.ravel()
    return luminance


def has_colour_ink(rgb: NDArray[np.uint8]) -> bool:
    """Whether any strongly coloured ink is on the page, judged on a small copy (milliseconds).

    Most scans are black on white: they skip the per-pixel colour work entirely. The sample's
    chroma is taken with OpenCV's per-channel maths: numpy's max/min over a 3-wide last axis
    cost ~25 ms an A4 page, a twentieth of the page's whole recognition.
    """
    step = max(1, max(rgb.shape[:2]) // 600)
    small = np.ascontiguousarray(rgb[::step, ::step])  # a sample: only the share of colour counts
    red, green, blue = cv2.split(small)
    chroma = cv2.subtract(cv2.max(cv2.max(red, green), blue), cv2.min(cv2.min(red, green), blue))
    _, coloured = cv2.threshold(chroma, 60, 255, cv2.THRESH_BINARY)
    return cv2.countNonZero(coloured) > 0.0005 * chroma.size


def grey_of(rgb: NDArray[np.uint8]) -> Gray | None:
    """The page's one channel when its three are equal everywhere (a grey scan saved as RGB, as
    every page of real-scans-nogt is), else None.

    Such a page is a grey page: its luminance is that channel exactly (OpenCV's weights sum to
    one), so Tesseract sees the same pixels, while the turn, the deskew and the searchable PDF's
    picture handle a third of the bytes. A sample rejects a colour page in a fraction of a
    millisecond; a grey one costs ~3 ms to confirm.
    """
    sample = np.ascontiguousarray(rgb[::16])
    red, green, blue = cv2.split(sample)
    if cv2.countNonZero(cv2.absdiff(red, green)) or cv2.countNonZero(cv2.absdiff(green, blue)):
        return None
    red, green, blue = cv2.split(rgb)
    if cv2.countNonZero(cv2.absdiff(red, green)) or cv2.countNonZero(cv2.absdiff(green, blue)):
        return None
    return u8(red)


def is_bilevel(gray: Gray) -> bool:
    """Black and white only: a fax, a 1-bit scan (judged before any deskew adds grey edges).

    Grey is counted against the black, not the page: a sparse page of anti-aliased print on
    clean white has little grey in all, but as much as it has black, and was taken for a fax
    (so its light was never flattened nor its rules erased).
    """
    histogram = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    grey, black = histogram[16:240].sum(), histogram[:16].sum()
    return bool(grey < 0.02 * gray.size and grey < 0.1 * black)


def background(gray: Gray, *, text_height: float) -> Gray:
    """The paper's brightness everywhere (light falloff, shadows, yellowing), text removed.

    A closing (max then min filter) wider than a character wipes out the dark strokes; it runs on
    a reduced copy because the background varies slowly. The closing keeps a step (a closing
    moves an edge out and back by the same amount), but the blur that smooths its blocky result
    spreads a hard shadow's edge over a line or two: paper on the lit side then divides to
    white, ink included, and on the shaded side to grey. So where the blur strays from the
    closing by more than `STEP` grey levels, the closing (median-smoothed) is kept instead.
    """
    height, width = gray.shape
    # a character ~8 px tall in the copy
    small, _ = shrink(gray, round(max(height, width) * 8.0 / max(text_height, 8.0)))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    closed = u8(cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel))
    smooth = u8(cv2.GaussianBlur(closed, (0, 0), 4))
    sharp = u8(cv2.medianBlur(closed, 5))
    stray = cv2.absdiff(smooth, sharp) > STEP
    paper = np.where(stray, sharp, smooth) if stray.any() else smooth
    return u8(cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR))


def flatten(gray: Gray, *, text_height: float) -> Gray:
    """Divide by the background: paper becomes uniformly white, ink keeps its relative darkness."""
    paper = np.maximum(background(gray, text_height=text_height), 1)
    return u8(cv2.divide(gray, paper, scale=255))  # saturating uint8 maths, SIMD in OpenCV


def remove_streaks(flat: Gray) -> Gray:
    """Undo thin streaks running the whole page: drum scratches, toner bands, scanner lines.

    Text covers a minority of any column, so a column's median is its paper; a scratch makes
    a few columns' paper darker than their neighbours'. Dividing each column by its paper
    (relative to the neighbours') lifts the scratch and keeps the letters it crosses. Rows
    likewise, for streaks across the page.
    """
    out = flat.copy()
    for axis in (0, 1):
        sample = out[::8, :] if axis == 0 else out[:, ::8]
        paper = np.median(sample, axis=axis).astype(np.float32)
        neighbours = (
            cv2.medianBlur(np.clip(paper, 0, 255).astype(np.uint8).reshape(1, -1), 31)
            .ravel()
            .astype(np.float32)
        )
        gain = neighbours / np.maximum(paper, 1.0)
        # Only the few streaked columns (rows) are touched. A streak greys the paper a little
        # (gain up to ~1.6); a line whose "paper" is far darker is mostly ink (a dark band, a
        # filled table header) and is left alone, as is anything lighter than its neighbours.
        streaked = (gain >= 1.04) & (gain <= 1.6)
        for index in np.nonzero(streaked)[0]:
            line = out[:, index] if axis == 0 else out[index, :]
            line[:] = np.clip(line.astype(np.float32) * gain[index], 0, 255).astype(np.uint8)
    return out


def stretch(flat: Gray) -> Gray:
    """Map the ink's typical darkness to black on a flattened page (faded copies, pale prints)."""
    sample = np.ascontiguousarray(flat[::2, ::2])  # statistics need no more
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = sample[sample < threshold]
    if ink.size < 25:
        return flat
    dark = float(np.percentile(ink, 20))
    if dark >= 250:
        return flat
    lut = np.clip((np.arange(256, dtype=np.float32) - dark) * 255.0 / (255.0 - dark), 0, 255)
    return u8(cv2.LUT(flat, lut.astype(np.uint8)))


def noise_level(flat: Gray) -> float:
    """Standard deviation of the paper on a flattened page: speckle, film grain, JPEG noise."""
    sample = flat[::4, ::4]
    paper = sample[sample > 200]
    return float(paper.std()) if paper.size else 0.0


def denoise(flat: Gray) -> Gray:
    """A 3×3 median: removes speckle and grain while keeping strokes and diacritic dots."""
    return u8(cv2.medianBlur(flat, 3))


def binarise(flat: Gray) -> Gray:
    """Otsu on a flattened page: after flattening one threshold suits the whole sheet."""
    _, binary = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return u8(binary)


def erase_rules(flat: Gray, *, text_height: float) -> Gray:
    """Erase long thin straight lines: drum scratches, fax streaks, table rules, underlines.

    Tesseract reads a line through text as a column separator or as letters (l, I, |, _). A run
    of ink straight along one axis for several letters' heights is no letter; an opening with a
    long thin kernel keeps exactly those runs, and they are painted back as paper. Where a
    letter's stroke crosses the rule (a line struck through text, a descender through an
    underline) the rule's pixels are the stroke's too, and stay.
    """
    # Found on a half-size copy (a rule stays a rule, at a quarter of the cost), erased at full;
    # the copy keeps the darkest of each 2×2 pixels, so a one-pixel hairline stays as dark.
    half = u8(cv2.erode(flat, np.ones((2, 2), np.uint8), anchor=(0, 0))[::2, ::2])
    length = max(int(3 * text_height), 30)
    # Any ink clearly darker than the paper, not Otsu's: a faint grey underline (a light rule on
    # a copy) is still a rule, and Tesseract read one under a title as a line of junk.
    paper = float(np.percentile(half[::4, ::4], 90))
    _, ink = cv2.threshold(half, paper - 40, 255, cv2.THRESH_BINARY_INV)
    ink = u8(ink)
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    if not (vertical.any() or horizontal.any()):
        return flat
    core_h = u8(horizontal)
    grow = np.ones((3, 3), np.uint8)
    horizontal, vertical = cv2.dilate(horizontal, grow), cv2.dilate(vertical, grow)
    # Where a letter's stroke crosses a rule (ink of letters on both sides of it, within a few
    # pixels), the rule's pixels are the stroke's too and stay; a letter standing on the rule
    # loses only the rule. (Keeping every pixel under a letter left a dotted underline, and
    # Tesseract dropped the underlined title.)
    letters = u8(cv2.bitwise_and(ink, cv2.bitwise_not(cv2.bitwise_or(horizontal, vertical))))
    crossing_h = _both_sides(letters, vertical=True)
    crossing_v = _both_sides(letters, vertical=False)
    dips = _dips(half, core_h, length // 8)
    if dips is not None:
        crossing_h = u8(cv2.bitwise_or(crossing_h, dips))
    rules = cv2.bitwise_or(
        cv2.bitwise_and(horizontal, cv2.bitwise_not(crossing_h)),
        cv2.bitwise_and(vertical, cv2.bitwise_not(crossing_v)),
    )
    mask = cv2.resize(rules, (flat.shape[1], flat.shape[0]), interpolation=cv2.INTER_NEAREST)
    return u8(cv2.bitwise_or(flat, mask))


RULE_MARGIN, GREY_RULE, PRINT = 50, 110, 90
"""A grey rule's core has a median grey of at least GREY_RULE; print is darker than PRINT and
than the rule's median by RULE_MARGIN. PRINT was 70: a tail that ends a pixel under the rule is
~90 grey on the half-size copy (half ink, half paper), and formal_2's last Q lost its tail ("QTNO",
plain Tesseract "QTNQ"); at 90 that page reads as printed and no other page of the 229 compared
changed its errors."""


def _dips(half: Gray, core: Gray, tallest: int) -> Gray | None:
    """Where a stroke dips through a grey horizontal rule: print far darker than the rule just
    below its core, under a piece of print at least `tallest` pixels tall just above it (the
    tail of a Q under a title's faint underline, which the rule's grown band hid: "QTNQ" was
    read "OTNO"). None when no rule is grey.

    Only grey rules: no print is darker than a black one (a table's grid), whose band hides
    what it hid before. A tall piece above: an edge between dark areas is found as a grey rule
    too (a blurred portrait's shoulder, with the crumbs of its outline above), and keeping its
    pixels left a dotted edge that Tesseract read as junk."""
    shape = half.shape
    # Worked out where the horizontal rules lie (and a letter above them): done on the whole
    # half page, this cost 70 ms on a flatbed card's A4 page, where the rules are the card's.
    reach = 5
    left, top, width, height = cv2.boundingRect(core)
    top, bottom = max(0, top - tallest - reach), top + height + reach
    window = (slice(top, bottom), slice(max(0, left - 1), left + width + 1))
    half, core = half[window], core[window]
    count, found = cv2.connectedComponents(core, connectivity=8)
    labels = np.asarray(found, np.int32)
    medians = _medians(half, core > 0, labels, count)
    grey = medians >= GREY_RULE
    grey[0] = False
    if not grey.any():
        return None
    darkest = int(min(PRINT, int(medians[grey].min()) - RULE_MARGIN))
    band = cv2.dilate(u8(np.where(grey[labels], 255, 0)), np.ones((3, 3), np.uint8))
    dark = u8(np.where((half < darkest) & (core == 0), 255, 0))
    _, pieces, stats, _ = labelled(dark)
    tall = stats[:, cv2.CC_STAT_HEIGHT] >= tallest
    tall[0] = False
    letters = u8(np.where(tall[pieces], 255, 0))
    dips = _both_sides(dark, vertical=True, reach=reach, before=letters)
    whole = np.zeros(shape, np.uint8)
    whole[window] = cv2.bitwise_and(dips, band)
    return whole


def _medians(
    image: Gray, where: NDArray[np.bool_], labels: NDArray[np.int32], count: int
) -> NDArray[np.int32]:
    """Per label below `count`, the median of `image` where `where` (0 where none)."""
    values, owners = image[where], labels[where]
    order = np.lexsort((values, owners))
    values, owners = values[order], owners[order]
    starts = np.searchsorted(owners, np.arange(count + 1))
    out = np.zeros(count, np.int32)
    for label in range(1, count):
        begin, end = starts[label], starts[label + 1]
        if end > begin:
            out[label] = int(values[(begin + end - 1) // 2])
    return out


def _both_sides(
    letters: NDArray[np.uint8],
    *,
    vertical: bool,
    reach: int = 5,
    before: NDArray[np.uint8] | None = None,
) -> NDArray[np.uint8]:
    """Where letters' ink lies within `reach` pixels on both sides (above and below when
    `vertical`, else left and right), a pixel's width either way: a stroke crossing there.
    With `before`, that ink is looked for above (left) instead of `letters`."""
    shape = (reach, 1) if vertical else (1, reach)
    kernel = np.ones(shape, np.uint8)
    last = (0, reach - 1) if vertical else (reach - 1, 0)
    first = letters if before is None else before
    above = cv2.dilate(first, kernel, anchor=last)  # any ink up to `reach` above / left
    below = cv2.dilate(letters, kernel, anchor=(0, 0))  # any ink up to `reach` below / right
    widen = np.ones((1, 3) if vertical else (3, 1), np.uint8)
    return u8(cv2.dilate(cv2.bitwise_and(above, below), widen))


def x_height(binary_ink: NDArray[np.bool_]) -> float | None:
    """Typical height in pixels of a lowercase letter, from connected components of ink.

    The median height of letter-sized components sits near the x-height: diacritics and specks
    are dropped by a floor relative to the tallest common components.
    """
    boxes = component_boxes(binary_ink)
    if len(boxes) < 19:
        return None
    heights = boxes[:, 3].astype(np.float64)
    widths = boxes[:, 2].astype(np.float64)
    plausible = (heights >= 3) & (widths >= 2) & (heights < binary_ink.shape[0] / 10)
    heights = heights[plausible]
    if heights.size < 20:
        return None
    floor = 0.5 * float(np.percentile(heights, 80))
    letters = heights[heights >= floor]
    return float(np.median(letters)) if letters.size else None


def resample_factor(measured_x_height: float | None) -> float:
    """How much to scale a page so its x-height lands where Tesseract reads best."""
    if measured_x_height is None:
        return 1.0
    if X_HEIGHT_LOW <= measured_x_height <= X_HEIGHT_HIGH:
        return 1.0
    return float(np.clip(X_HEIGHT_TARGET / measured_x_height, 0.25, 4.0))


def resample(image: NDArray[np.uint8], factor: float) -> NDArray[np.uint8]:
    if abs(factor - 1.0) < 0.02:
        return image
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return u8(cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation))
