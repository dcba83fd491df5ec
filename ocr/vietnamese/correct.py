"""Correct the marks Tesseract misreads: each doubtful syllable against its re-marked spellings.

A word is doubtful when it spells no Vietnamese syllable, or when Tesseract's own confidence in
it is under `trust_confidence`. Its candidates are the known syllables that differ from it only
in marks (tone, ă/â, ê, ô/ơ, ư, đ: Tesseract's confusions) or by one b/h, each at a price per
changed mark that rises with the word's confidence; every phrase is decoded whole with the
syllable bigram model, and a valid reading keeps a head start of `min_gain`. Numbers, codes,
names in capitals and protected place names are context, never changed.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field

from models.recognition import Word
from ocr.vietnamese.model import SyllableModel, default_model
from ocr.vietnamese.normalise import (
    normalise_word,
    old_placement,
    page_placement,
    place_tone,
    split_token,
    with_case_of,
)
from ocr.vietnamese.syllable import is_valid


class CorrectionOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    enabled: bool = True
    trust_confidence: float = Field(
        default=97.0, ge=0, le=100, description="a valid word at or above this is never changed"
    )
    min_gain: float = Field(
        default=2.0, ge=0, description="nats a candidate must win by to replace a valid word"
    )
    mark_cost: float = Field(default=2.0, ge=0, description="nats per changed mark")
    confidence_cost: float = Field(
        default=2.0, ge=0, description="nats per changed mark added at 100 % word confidence"
    )
    weighed_discount: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="share of a mark's cost waived when Tesseract's LSTM weighed the new letter",
    )
    letter_cost: float = Field(
        default=6.0, ge=0, description="nats for reading one letter as another (b for h)"
    )
    candidates: int = Field(
        default=8, ge=1, description="readings per word kept for the phrase decoder"
    )
    heading_words: int = Field(
        default=5,
        ge=1,
        description="a line with this many words in capitals in a row is a heading, not a name",
    )
    protected: frozenset[str] = Field(
        default=frozenset(),
        description="extra names (lower case, e.g. 'krông pắc') never changed when capitalised",
    )


@dataclass(frozen=True)
class _Token:
    """A word as punctuation before, the word itself, punctuation after."""

    head: str
    core: str
    tail: str


def correct_words(
    words: Sequence[Word],
    model: SyllableModel | None = None,
    options: CorrectionOptions | None = None,
    alternatives: Sequence[frozenset[str]] | None = None,
) -> list[Word]:
    """The words in stored form (normalise_word), doubtful syllables corrected.

    `words` in reading order, as the engine returns them; the caller keeps them as the raw text.
    Each run of syllables not broken by punctuation or a non-syllable is decoded as a whole
    (Viterbi over the bigram model), so two misread neighbours ("CÔNG HÓA") are fixed together.
    The model knows one tone placement: words are looked up in it ("hoá" as "hóa"), and a word
    left as read keeps its own; a changed word takes the placement its page prints.
    `alternatives`, one set per word when Tesseract gave them (`choices.HocrWord.alternatives`):
    the letters its LSTM also weighed; a mark change to one of them costs less.
    """
    options = options or CorrectionOptions()
    tokens = [_Token(*split_token(normalise_word(w.text))) for w in words]
    if options.enabled:
        model = model or default_model()
        cores = [t.core for t in tokens]
        keys = [place_tone(core).lower() for core in cores]
        headings = heading_words(words, cores, options.heading_words)
        names = protected_names(cores, keys, protected_words() | _names(options.protected))
        choices = [
            _choices(
                t,
                keys[i],
                w.confidence,
                keep_capitals=t.core.isupper() and i not in headings,
                in_name=i in names,
                weighed=alternatives[i] if alternatives else frozenset(),
                model=model,
                options=options,
            )
            for i, (t, w) in enumerate(zip(tokens, words, strict=True))
        ]
        old_style = page_placement(cores)
        start = 0
        for i in range(1, len(tokens) + 1):
            if i == len(tokens) or not _joined(
                tokens[i - 1], tokens[i], choices[i - 1], choices[i]
            ):
                if all(len(c) <= 1 for c in choices[start:i]):
                    start = i
                    continue  # nothing in doubt in this phrase
                for j, best in enumerate(_decode(choices[start:i], model), start=start):
                    if best != keys[j]:
                        t = tokens[j]
                        own = old_placement(t.core)
                        spelt = place_tone(best, old_style=old_style if own is None else own)
                        tokens[j] = _Token(t.head, with_case_of(t.core, spelt), t.tail)
                start = i
    return [
        w
        if w.text == (t.head + t.core + t.tail)
        else w.model_copy(update={"text": t.head + t.core + t.tail})
        for w, t in zip(words, tokens, strict=True)
    ]


_Choices = dict[str, float]
"""A token's readings (lower case) with their channel score: minus the cost of changed marks,
plus `min_gain` for the reading Tesseract gave when it spells a syllable."""


def _choices(
    token: _Token,
    observed: str,
    confidence: float,
    *,
    keep_capitals: bool,
    in_name: bool,
    weighed: frozenset[str],
    model: SyllableModel,
    options: CorrectionOptions,
) -> _Choices:
    """`observed`: the word in lower case and the model's tone placement."""
    valid = bool(token.core) and is_valid(observed)
    if (
        in_name
        or not token.core.isalpha()
        or (valid and (confidence >= options.trust_confidence or keep_capitals))
    ):
        # a confident reading, a name in capitals that spells a syllable: kept, still context
        return {observed: 0.0} if valid else {}
    cost = options.mark_cost + options.confidence_cost * confidence / 100
    choices: _Choices = {}
    for letters, misread in _readings(observed, options.letter_cost):
        for c in model.spellings(misread):
            edits = mark_edits(misread, c) - options.weighed_discount * weighed_edits(
                misread, c, weighed
            )
            choices[c] = max(choices.get(c, -math.inf), -cost * edits - letters)
    if valid:
        choices[observed] = options.min_gain
    if len(choices) > options.candidates:
        # the decoder's work grows with the square of this; rare, costly spellings go first
        ranked = sorted(choices, key=lambda c: choices[c] + model.unigram_logp(c), reverse=True)
        choices = {c: choices[c] for c in ranked[: options.candidates]}
    return choices


LETTER_CONFUSIONS = (("b", "h"), ("h", "b"))
"""Whole-letter misreadings Tesseract vie made on our benchmark pages ("bàng" for "hàng")."""


def _readings(observed: str, letter_cost: float) -> list[tuple[float, str]]:
    """The observed spelling (no cost) and each one-letter confusion of it (`letter_cost`)."""
    readings = [(0.0, observed)]
    for i, letter in enumerate(observed):
        readings.extend(
            (letter_cost, observed[:i] + other + observed[i + 1 :])
            for seen, other in LETTER_CONFUSIONS
            if letter == seen
        )
    return readings


def _joined(left: _Token, right: _Token, a: _Choices, b: _Choices) -> bool:
    """Whether two neighbours are read as one phrase: both syllables, no punctuation between."""
    return bool(a) and bool(b) and not left.tail and not right.head


def _decode(run: list[_Choices], model: SyllableModel) -> list[str]:
    """The most likely readings of a run of tokens, by Viterbi over the bigram model."""
    if not run or not run[0]:
        return []
    words = list(run[0])
    scores = [model.logp(c, None) + run[0][c] for c in words]
    back: list[list[int]] = []
    for choices in run[1:]:
        following = list(choices)
        table = model.transitions(words, following)
        pointers: list[int] = []
        new_scores: list[float] = []
        for j, c in enumerate(following):
            i = max(range(len(words)), key=lambda i: scores[i] + table[i][j])
            pointers.append(i)
            new_scores.append(scores[i] + table[i][j] + choices[c])
        back.append(pointers)
        words, scores = following, new_scores
    # follow the pointers back from the best last reading
    j = max(range(len(words)), key=scores.__getitem__)
    path = [words[j]]
    for pointers, choices in zip(reversed(back), reversed(run[:-1]), strict=True):
        j = pointers[j]
        path.append(list(choices)[j])
    return path[::-1]


def heading_words(words: Sequence[Word], cores: Sequence[str], run: int) -> set[int]:
    """Indices of words in runs of at least `run` capitalised words on one line.

    Names in capitals (NGUYỄN VĂN AN) are left as read when they spell syllables; a run as long
    as "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is a heading, and its misread marks are corrected.
    """
    found: set[int] = set()
    start = 0
    for i in range(len(words) + 1):
        ends = i == len(words) or not cores[i].isupper() or words[i].line != words[start].line
        if ends:
            if i - start >= run:
                found.update(range(start, i))
            start = i + 1 if i < len(words) and not cores[i].isupper() else i
    return found


def protected_names(
    cores: Sequence[str], keys: Sequence[str], names: frozenset[tuple[str, ...]]
) -> set[int]:
    """Indices of capitalised words that spell, with their neighbours, a protected name.

    `keys`: the words in lower case, one tone placement (as `_names` spells the names)."""
    found: set[int] = set()
    longest = max((len(n) for n in names), default=0)
    for i in range(len(cores)):
        for size in range(1, longest + 1):
            span = cores[i : i + size]
            if len(span) < size or not all(c[:1].isupper() for c in span):
                break
            if tuple(keys[i : i + size]) in names:
                found.update(range(i, i + size))
    return found


@lru_cache(maxsize=65_536)
def mark_edits(a: str, b: str) -> int:
    """Marks to add, drop or swap to turn one spelling of a skeleton into the other.

    Counted per letter as Tesseract sees them, one glyph above or below: "ã" for "ă" (tilde for
    breve) or "ấ" for "ẩ" is one swapped mark, "ư" for "u" one dropped horn, "d" for "đ" one bar.
    """
    edits = 0
    for x, y in zip(_marks(a), _marks(b), strict=False):
        edits += max(len(x - y), len(y - x))
    return edits


def weighed_edits(observed: str, candidate: str, weighed: frozenset[str]) -> int:
    """The mark edits of `candidate` that give a letter Tesseract's LSTM also weighed."""
    if not weighed:
        return 0
    return sum(
        max(len(x - y), len(y - x))
        for x, y, letter in zip(_marks(observed), _marks(candidate), candidate, strict=False)
        if letter in weighed
    )


def _marks(word: str) -> list[set[str]]:
    letters: list[set[str]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and letters:
            letters[-1].add(ch)
        else:
            letters.append({"bar"} if ch in "đĐ" else set())
    return letters


@cache
def protected_words() -> frozenset[tuple[str, ...]]:
    """Place names (lower case syllables) left alone when capitalised: Đắk Lắk, Krông Búk..."""
    text = files("ocr.vietnamese").joinpath("data").joinpath("protected.txt").read_text("utf-8")
    return _names(line for line in text.splitlines() if not line.startswith("#"))


def _names(lines: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(place_tone(normalise_word(word)).lower() for word in line.split())
        for line in lines
        if line.strip()
    )
