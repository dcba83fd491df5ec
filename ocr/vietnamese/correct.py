"""Correct the marks Tesseract misreads, and only those: a digitized copy says what the paper says.

A word that spells no Vietnamese syllable is misread, whatever Tesseract's confidence: its
candidates are the known syllables that differ from it only in marks (tone, ă/â, ê, ô/ơ, ư, đ:
Tesseract's confusions) or by one b/h, each at a price per changed mark that rises with the
word's confidence, and every phrase is decoded whole with the syllable bigram model.

A word that spells a syllable is taken as read unless a neighbour vouches for another spelling
(`attested`): the other spelling must make with the neighbour a pair the legal corpus holds as a
word (seen `attested_pairs` times when Tesseract is sure of the word, at or above
`trust_confidence`, or the word is capitalised; `doubted_pairs` times when it is not), twenty
times as often as the reading as printed, three times as often as chance. Frequency alone is no
evidence: the corpus is legal prose, so to it "tôi", "bạn", "kỷ nguyên" are rare and "tội",
"bản", "kỳ" common, and the first are as correct. Names, places after their labels, capitals
that are no heading and titles typed without marks stay as read (`names`); measured in
docs/design_notes.md ("When may the correction change a word?").
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from models.recognition import Word
from ocr.vietnamese.model import SyllableModel, default_model
from ocr.vietnamese.names import (
    Reading,
    after_labels,
    capitalised,
    name_lines,
    name_syllables,
    protected_names,
    protected_words,
    written_without_marks,
)
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
        default=88.0,
        ge=0,
        le=100,
        description="a valid word at or above this is trusted: only an attested_pairs pair moves it",
    )
    min_gain: float = Field(
        default=2.0, ge=0, description="nats a candidate must win by to replace a valid word"
    )
    attested_pairs: int = Field(
        default=50,
        ge=1,
        description="times a trusted or capitalised word's replacement pairs with a neighbour",
    )
    doubted_pairs: int = Field(
        default=1,
        ge=0,
        description="times a doubtful valid word's replacement pairs with a neighbour (0: any "
        "replacement the bigram model prefers)",
    )
    attested_ratio: float = Field(
        default=20.0, ge=1, description="that pair, times as often as the one of the reading"
    )
    attested_lift: float = Field(
        default=3.0, ge=0, description="that pair, times as often as its words meet by chance"
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


def correct_words(
    words: Sequence[Word],
    model: SyllableModel | None = None,
    options: CorrectionOptions | None = None,
    alternatives: Sequence[frozenset[str]] | None = None,
) -> list[Word]:
    """The words in stored form (normalise_word), misread syllables corrected.

    `words` in reading order, as the engine returns them; the caller keeps them as the raw text.
    Each run of syllables not broken by punctuation or a non-syllable is decoded as a whole
    (Viterbi over the bigram model), so two misread neighbours ("CÔNG HÓA") are fixed together.
    The model knows one tone placement: words are looked up in it ("hoá" as "hóa"), and a word
    left as read keeps its own; a changed word takes the placement its page prints.
    `alternatives`, one set per word when Tesseract gave them (`choices.HocrWord.alternatives`):
    the letters its LSTM also weighed; a mark change to one of them costs less.
    """
    options = options or CorrectionOptions()
    tokens = [Reading(*split_token(normalise_word(w.text))) for w in words]
    if options.enabled:
        model = model or default_model()
        keys = [place_tone(t.core).lower() for t in tokens]
        names = protected_names(tokens, keys, protected_words() | name_syllables(options.protected))
        names |= written_without_marks(words, tokens)
        labelled = after_labels(words, tokens, options.heading_words) | name_lines(words, tokens)
        guarded = capitalised(words, tokens, options.heading_words)
        choices = [
            _choices(
                t,
                keys[i],
                w.confidence,
                in_name=i in names,
                keep=i in labelled,
                weighed=alternatives[i] if alternatives else frozenset(),
                model=model,
                options=options,
            )
            for i, (t, w) in enumerate(zip(tokens, words, strict=True))
        ]
        choices = _with_evidence(choices, tokens, keys, words, guarded, model, options)
        old_style = page_placement(t.core for t in tokens)
        start = 0
        for i in range(1, len(tokens) + 1):
            if i == len(tokens) or not _joined(
                tokens[i - 1], tokens[i], choices[i - 1], choices[i]
            ):
                if all(c.keys() <= {keys[j]} for j, c in enumerate(choices[start:i], start)):
                    start = i
                    continue  # every word kept as read (one misread with one fix is in doubt)
                for j, best in enumerate(_decode(choices[start:i], model), start=start):
                    if best != keys[j]:
                        t = tokens[j]
                        own = old_placement(t.core)
                        spelt = place_tone(best, old_style=old_style if own is None else own)
                        tokens[j] = Reading(t.head, with_case_of(t.core, spelt), t.tail)
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


def _with_evidence(
    choices: list[_Choices],
    tokens: Sequence[Reading],
    keys: Sequence[str],
    words: Sequence[Word],
    guarded: set[int],
    model: SyllableModel,
    options: CorrectionOptions,
) -> list[_Choices]:
    """Each word's readings, a valid word's cut to those a neighbour attests (`attested`).

    A trusted word (confident or capitalised) needs `attested_pairs`, a doubtful one
    `doubted_pairs`. A neighbour vouches as read, or with another of its readings if the pair is
    evidence enough for both words and they are not both trusted syllables: two misread
    neighbours are fixed together ("chuyến đối" → "chuyển đổi"), two trusted ones never ("tôi
    đã" stays, not "tối đa")."""
    trusted = [
        i in guarded or w.confidence >= options.trust_confidence for i, w in enumerate(words)
    ]
    needed = [options.attested_pairs if c else options.doubted_pairs for c in trusted]
    valid = [keys[i] in c for i, c in enumerate(choices)]
    out: list[_Choices] = []
    for i, readings in enumerate(choices):
        if not valid[i] or not needed[i]:
            out.append(readings)
            continue
        sides = [
            j
            for j, joined in ((i - 1, i > 0), (i + 1, i + 1 < len(tokens)))
            if joined and not tokens[min(i, j)].tail and not tokens[max(i, j)].head
        ]
        out.append(
            {
                c: score
                for c, score in readings.items()
                if c == keys[i]
                or any(
                    attested(
                        (c, y) if j > i else (y, c),
                        (keys[i], keys[j]) if j > i else (keys[j], keys[i]),
                        max(needed[i], needed[j] if valid[j] and y != keys[j] else 0),
                        model,
                        options,
                    )
                    for j in sides
                    for y in choices[j]
                    # two confident readings are not both changed for one pair ("tôi đã")
                    if y == keys[j] or not (trusted[i] and trusted[j])
                )
            }
        )
    return out


def _choices(
    token: Reading,
    observed: str,
    confidence: float,
    *,
    in_name: bool,
    keep: bool,
    weighed: frozenset[str],
    model: SyllableModel,
    options: CorrectionOptions,
) -> _Choices:
    """`observed`: the word in lower case and the model's tone placement."""
    valid = bool(token.core) and is_valid(observed)
    if in_name or not token.core.isalpha() or (valid and keep):
        # a name, a place, a code: kept, still context when it spells a syllable
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


def attested(
    pair: tuple[str, str],
    read: tuple[str, str],
    needed: int,
    model: SyllableModel,
    options: CorrectionOptions,
) -> bool:
    """Whether the model holds `pair` (in place of the pair `read`) as a word: seen at least
    `needed` times, `attested_ratio` times as often as `read`, and `attested_lift` times as
    often as two words that common would meet by chance."""
    count = model.pair_count(*pair)
    return (
        count >= needed
        and count >= options.attested_ratio * model.pair_count(*read)
        and count >= options.attested_lift * model.chance_pairs(*pair)
    )


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


def _joined(left: Reading, right: Reading, a: _Choices, b: _Choices) -> bool:
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
