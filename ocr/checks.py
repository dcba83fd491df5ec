"""How plausible a reading is, and the checks that weigh a decision about a page by it.

A decision that changes what Tesseract sees (a turn, a warp, erased rules, ink removal) is a
hypothesis. The measure that settles it is the reading itself: Tesseract's confidence in each
word and whether the word spells a Vietnamese syllable (or a number). A page read the right way
up scores 0.8–0.95; the same page read sideways or upside down 0.0–0.2, whatever the font.

Checks are cheap: a turn is tried on a band of a few text lines (a tenth of the page's text),
not on the whole page; a second full pass is spent only when the page's whole reading is
implausible. Each check leaves a `PageCheck` on the page, so a reviewer can see why a page was
turned (docs/design_notes.md, "How does sohoa decide which way up a page is?").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from models.recognition import PageCheck, Word
from ocr.geometry import rotate_right_angle, shrink
from ocr.vietnamese import is_valid

IMPLAUSIBLE = 0.5
"""A whole page read below this is read again another way (another turn, or as given)."""
ACCEPT = 0.6
"""A band read at least this plausibly settles its orientation without trying the others."""
MARGIN = 0.15
"""A turn off the letters' axis must beat the guess and the page as given by this much."""
TIE = 0.05
"""The page as given wins over the guess unless the guess reads better by this much."""
ON_AXIS = 0.4
"""A band read at least this plausibly one way is on the letters' axis: the other axis is not
tried. Measured on the 24 turned generated pages, a band read on the wrong axis or upside down
scored 0.02-0.13, one read the right way 0.54-0.97 (a card's band, its emblem and code read as
junk beside its title, 0.54: two more band reads, 0.4 s, for nothing)."""
MIN_CHARACTERS = 40
"""A reading of fewer characters says little (a band with a few words): not conclusive alone."""
BAND_LINES = 5
FOREIGN_CONFIDENCE = 85.0
"""A word that spells no syllable still counts when Tesseract is this sure of it: a name, a code
("PCRT/TTKB"), the English of a bilingual card ("Date of birth"). A page read the wrong way up
gives few words this sure."""
"""Text lines in the band a check reads: enough words to judge, a tenth of a page's cost."""

_NUMBER = re.compile(r"^[0-9][0-9.,:/\-–%]*$")
PUNCTUATION = ".,;:!?()[]{}\"'“”‘’…-–—/"
"""What is stripped from a word's ends before it is spelt."""


def spelled(core: str) -> bool:
    """Whether a word stripped of `PUNCTUATION` spells a Vietnamese syllable or a number."""
    return (core.isalpha() and is_valid(core.lower())) or _NUMBER.match(core) is not None


@dataclass(frozen=True)
class Plausibility:
    score: float
    """Share of the reading's characters in words that spell a syllable or a number (or that
    Tesseract is sure of), each weighed by Tesseract's confidence in it: 0 (junk) to 1."""
    characters: int

    @property
    def conclusive(self) -> bool:
        return self.characters >= MIN_CHARACTERS


def plausibility(words: Sequence[Word]) -> Plausibility:
    """How much a reading looks like Vietnamese text read right."""
    total = good = 0.0
    for word in words:
        core = word.text.strip(PUNCTUATION)
        size = len(core) or len(word.text)
        total += size
        if core and (spelled(core) or word.confidence >= FOREIGN_CONFIDENCE):
            good += size * word.confidence / 100
    return Plausibility(good / total if total else 0.0, int(total))


Reader = Callable[[NDArray[np.uint8]], list[Word]]
"""Reads a grey image with Tesseract (the engine, bound to languages and a timeout)."""


def text_band(gray: NDArray[np.uint8], x_height: float) -> NDArray[np.uint8]:
    """The band of the page, `BAND_LINES` text lines tall and the page wide, with most ink."""
    small, scale = shrink(gray, 800)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = ink.sum(axis=1).astype(np.float64)
    cols = np.nonzero(ink.sum(axis=0) > 0.002 * ink.shape[0])[0]
    height = max(1, round(BAND_LINES * 2.2 * x_height * scale))
    if height >= len(rows):
        top, bottom = 0, len(rows)
    else:
        window = np.convolve(rows, np.ones(height), mode="valid")
        top = int(np.argmax(window))
        bottom = top + height
    left, right = (int(cols[0]), int(cols[-1]) + 1) if len(cols) else (0, ink.shape[1])
    k = 1 / scale
    pad = round(x_height)
    return gray[
        max(0, round(top * k) - pad) : round(bottom * k) + pad,
        max(0, round(left * k) - pad) : round(right * k) + pad,
    ]


@dataclass(frozen=True)
class TurnCheck:
    extra: int
    """Degrees to turn the prepared page by (`rotate_right_angle`), 0 when the guess stands."""
    record: PageCheck


def check_turn(
    prepared: NDArray[np.uint8], guessed: int, x_height: float, read: Reader
) -> TurnCheck:
    """Verify that `prepared`, turned by the guess `guessed` from the page as given, reads.

    The guess is read first on a band of text and stands when it reads plausibly. Otherwise the
    page as given is read on its own band, and the better of the two wins (the page as given on
    a tie, by `TIE`). Only when neither reads are the other two turns tried, and one of them must
    beat both by `MARGIN`: the letters' vote for an axis is not overturned on thin evidence.
    """
    scores: dict[int, Plausibility] = {}

    def score(turn: int) -> Plausibility:
        extra = (turn - guessed) % 360  # from the prepared page to this candidate
        scores[turn] = plausibility(read(text_band(rotate_right_angle(prepared, extra), x_height)))
        return scores[turn]

    best = guessed
    if not _reads(score(guessed)) and guessed != 0:
        best = 0 if score(0).score + TIE >= scores[guessed].score else guessed
    first = max(scores.values(), key=lambda p: p.score).score
    if not _reads(scores[best]) and first < ON_AXIS:
        for turn in (180, 90, 270):
            if turn not in scores and score(turn).score >= first + MARGIN:
                best = max(best, turn, key=lambda t: scores[t].score)
    return TurnCheck(
        extra=(best - guessed) % 360,
        record=PageCheck(
            name="turn",
            decision=f"{best}°" + (" as guessed" if best == guessed else f", not {guessed}°"),
            tesseract=True,
            evidence={f"band {t}°": round(p.score, 3) for t, p in scores.items()},
        ),
    )


def _reads(reading: Plausibility) -> bool:
    return reading.score >= ACCEPT and reading.conclusive
