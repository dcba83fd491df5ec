"""Character and word error rates as the benchmarks report them (NFC, whitespace collapsed)."""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference).split(), normalise(hypothesis).split()
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)
