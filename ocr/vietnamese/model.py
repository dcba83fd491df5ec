"""The syllable language model: unigram and bigram counts of lower-case Vietnamese syllables.

Built by `bench/build_syllable_model.py` from the public-domain legal corpus (see
docs/data-sources.md) and shipped as a gzip'd TSV in `ocr/vietnamese/data/`.
"""

from __future__ import annotations

import gzip
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from ocr.vietnamese.normalise import normalise_word, place_tone, skeleton, split_token
from ocr.vietnamese.syllable import is_valid

MODEL_FILE = "syllables.tsv.gz"
HEADER = "# sohoa syllable model v1"


@dataclass(frozen=True)
class SyllableModel:
    unigrams: Mapping[str, int]
    following: Mapping[str, Mapping[str, int]] = field(repr=False)
    """Pair counts by first syllable: following["quyết"]["định"]. Nested rather than keyed by
    pairs: less memory in every worker process, and one lookup per context."""
    total: int = field(init=False)
    _by_skeleton: Mapping[str, tuple[str, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        groups: defaultdict[str, list[str]] = defaultdict(list)
        for word in self.unigrams:
            groups[skeleton(word)].append(word)
        object.__setattr__(self, "total", sum(self.unigrams.values()))
        object.__setattr__(self, "_by_skeleton", {k: tuple(v) for k, v in groups.items()})

    @property
    def bigrams(self) -> dict[tuple[str, str], int]:
        return {(p, w): n for p, after in self.following.items() for w, n in after.items()}

    def spellings(self, word: str) -> tuple[str, ...]:
        """Every known syllable that differs from `word` (lower case) only in its marks."""
        return self._by_skeleton.get(skeleton(word), ())

    def pair_count(self, previous: str, word: str) -> int:
        """How often `previous word` was seen (0 for an empty or unknown syllable)."""
        return self.following.get(previous, {}).get(word, 0)

    def chance_pairs(self, previous: str, word: str) -> float:
        """How often `previous word` would be seen if syllables followed each other at random."""
        return self.unigrams.get(previous, 0) * self.unigrams.get(word, 0) / max(self.total, 1)

    def prior(self, word: str) -> float:
        # add-half smoothing: an unseen valid syllable is rare, not impossible
        vocabulary = len(self.unigrams) + 1
        return (self.unigrams.get(word, 0) + 0.5) / (self.total + 0.5 * vocabulary)

    def unigram_logp(self, word: str) -> float:
        return math.log(self.prior(word))

    def logp(self, word: str, previous: str | None) -> float:
        """log P(word | previous syllable), the unigram when there is no usable context.

        Witten-Bell: a context followed by many different syllables ("với", "của") lends the
        unigram more weight than one with few followers, so one missing pair in 1.8 M syllables
        of legal text does not condemn a common word ("với tháng" was seen once, "với thang" twice).
        """
        prior = self.prior(word)
        if previous is None or previous not in self.unigrams:
            return math.log(prior)
        after = self.following.get(previous, {})
        types = len(after) + 1
        return math.log((after.get(word, 0) + types * prior) / (self.unigrams[previous] + types))

    def transitions(self, previous: Sequence[str], words: Sequence[str]) -> list[list[float]]:
        """`logp(word, p)` for every p in `previous` (rows) and word in `words` (columns), in
        one loop: the correction's Viterbi asks for thousands of them per page."""
        priors = [self.prior(w) for w in words]
        rows: list[list[float]] = []
        for p in previous:
            count = self.unigrams.get(p)
            if count is None:
                rows.append([math.log(prior) for prior in priors])
                continue
            after = self.following.get(p, {})
            types = len(after) + 1
            rows.append(
                [
                    math.log((after.get(w, 0) + types * prior) / (count + types))
                    for w, prior in zip(words, priors, strict=True)
                ]
            )
        return rows

    def dump(self, path: Path, *, comment: Iterable[str] = ()) -> None:
        """Write the model: header and comment lines, then `1 word n` and `2 prev word n` rows."""
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as out:
            out.write(HEADER + "\n")
            for line in comment:
                out.write(f"# {line}\n")
            for word, count in sorted(self.unigrams.items(), key=lambda kv: (-kv[1], kv[0])):
                out.write(f"1\t{word}\t{count}\n")
            for (a, b), count in sorted(self.bigrams.items(), key=lambda kv: (-kv[1], kv[0])):
                out.write(f"2\t{a}\t{b}\t{count}\n")


def syllable_stream(text: str) -> Iterator[str | None]:
    """Lower-case syllables of `text` in the old tone placement (the model's one spelling of each);
    None where a bigram must not span (punctuation, numbers, codes, misspellings: "tổchức" is no
    syllable and no evidence for its neighbours)."""
    for token in text.split():
        head, core, tail = split_token(normalise_word(token))
        if head:
            yield None
        if core and is_valid(core):
            yield place_tone(core).lower()
        else:
            yield None
        if tail:
            yield None


def count(texts: Iterable[str], *, min_bigram: int = 1) -> SyllableModel:
    """Count syllables and adjacent pairs over `texts`; drop pairs seen fewer than `min_bigram`."""
    unigrams: defaultdict[str, int] = defaultdict(int)
    bigrams: defaultdict[tuple[str, str], int] = defaultdict(int)
    for text in texts:
        previous: str | None = None
        for word in syllable_stream(text):
            if word is not None:
                unigrams[word] += 1
                if previous is not None:
                    bigrams[previous, word] += 1
            previous = word
    following: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for (previous, word), n in bigrams.items():
        if n >= min_bigram:
            following[previous][word] = n
    return SyllableModel(dict(unigrams), dict(following))


def read_model(path: Path) -> SyllableModel:
    unigrams: dict[str, int] = {}
    following: defaultdict[str, dict[str, int]] = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        if rows.readline().rstrip("\n") != HEADER:
            raise ValueError(f"{path} is not a sohoa syllable model")
        for row in rows:
            if row.startswith("#"):
                continue
            kind, *fields = row.rstrip("\n").split("\t")
            if kind == "1":
                unigrams[sys.intern(fields[0])] = int(fields[1])
            else:
                # interned: the 93 000 pairs share the 2 600 syllables' strings
                following[sys.intern(fields[0])][sys.intern(fields[1])] = int(fields[2])
    return SyllableModel(unigrams, dict(following))


@cache
def default_model() -> SyllableModel:
    """The model shipped in the package, read once per process (~0.3 s)."""
    resource = files("ocr.vietnamese").joinpath("data").joinpath(MODEL_FILE)
    return read_model(Path(str(resource)))
