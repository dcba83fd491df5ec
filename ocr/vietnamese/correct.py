"""Correct the marks Tesseract misreads: each doubtful syllable against its re-marked spellings.

A word is doubtful when it spells no Vietnamese syllable, or when Tesseract's own confidence in
it is low. Its candidates are the known syllables that differ from it only in marks (tone, ă/â,
ê, ô/ơ, ư, đ: Tesseract's confusions), scored by the syllable bigram model on both neighbours
minus a cost per changed mark; a valid reading is replaced only when a candidate wins clearly.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from pydantic import BaseModel, ConfigDict, Field

from models.recognition import Word
from ocr.vietnamese.model import SyllableModel, default_model
from ocr.vietnamese.normalise import normalise_word, split_token, with_case_of
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
    protected: frozenset[str] = Field(
        default=frozenset(), description="extra words (lower case) never changed when capitalised"
    )


@dataclass(frozen=True)
class _Token:
    head: str
    core: str
    tail: str

    @property
    def key(self) -> str | None:
        """The context this token gives its neighbours: its syllable, or None."""
        return self.core.lower() if self.core and is_valid(self.core) else None


def correct_words(
    words: Sequence[Word],
    model: SyllableModel | None = None,
    options: CorrectionOptions | None = None,
) -> list[Word]:
    """The words in stored form (normalise_word), doubtful syllables corrected.

    `words` in reading order, as the engine returns them; the caller keeps them as the raw text.
    """
    options = options or CorrectionOptions()
    tokens = [_Token(*split_token(normalise_word(w.text))) for w in words]
    if options.enabled:
        model = model or default_model()
        for i, word in enumerate(words):
            core = _correct(tokens, i, word.confidence, model, options)
            if core != tokens[i].core:
                tokens[i] = _Token(tokens[i].head, core, tokens[i].tail)
    return [
        w
        if w.text == (t.head + t.core + t.tail)
        else w.model_copy(update={"text": t.head + t.core + t.tail})
        for w, t in zip(words, tokens, strict=True)
    ]


def _correct(
    tokens: list[_Token],
    i: int,
    confidence: float,
    model: SyllableModel,
    options: CorrectionOptions,
) -> str:
    token = tokens[i]
    core = token.core
    if not _correctable(core, options):
        return core
    observed = core.lower()
    valid = is_valid(observed)
    if valid and (confidence >= options.trust_confidence or core.isupper()):
        return core  # a confident reading, or a name/heading in capitals that spells a syllable
    candidates = set(model.spellings(observed))
    if valid:
        candidates.add(observed)
    if not candidates or candidates == {observed}:
        return core
    before = tokens[i - 1].key if i > 0 and not token.head and not tokens[i - 1].tail else None
    after = (
        tokens[i + 1].key
        if i + 1 < len(tokens) and not token.tail and not tokens[i + 1].head
        else None
    )

    def score(candidate: str) -> float:
        fit = model.logp(candidate, before)
        if after is not None:
            fit += model.logp(after, candidate)
        cost = options.mark_cost + options.confidence_cost * confidence / 100
        return fit - cost * mark_edits(observed, candidate)

    best = max(sorted(candidates), key=score)
    if best == observed or (valid and score(best) - score(observed) < options.min_gain):
        return core
    return with_case_of(core, best)


def _correctable(core: str, options: CorrectionOptions) -> bool:
    if not core.isalpha():
        return False  # numbers, codes, mixed tokens: never ours to change
    return not (core[0].isupper() and core.lower() in protected_words() | options.protected)


def mark_edits(a: str, b: str) -> int:
    """Marks to add, drop or swap to turn one spelling of a skeleton into the other.

    Counted per letter as Tesseract sees them, one glyph above or below: "ã" for "ă" (tilde for
    breve) or "ấ" for "ẩ" is one swapped mark, "ư" for "u" one dropped horn, "d" for "đ" one bar.
    """
    edits = 0
    for x, y in zip(_marks(a), _marks(b), strict=False):
        edits += max(len(x - y), len(y - x))
    return edits


def _marks(word: str) -> list[set[str]]:
    letters: list[set[str]] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and letters:
            letters[-1].add(ch)
        else:
            letters.append({"bar"} if ch in "đĐ" else set())
    return letters


@cache
def protected_words() -> frozenset[str]:
    """Syllables of place names (lower case) left alone when capitalised: Đắk, Lắk, Krông..."""
    text = files("ocr.vietnamese").joinpath("data").joinpath("protected.txt").read_text("utf-8")
    return frozenset(
        normalise_word(word).lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
        for word in line.split()
    )
