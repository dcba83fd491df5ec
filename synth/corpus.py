"""Vietnamese paragraphs to render: a seeded sample of public-domain legal text shipped with us."""

from __future__ import annotations

import random
from functools import cache
from importlib.resources import files


@cache
def paragraphs() -> tuple[str, ...]:
    text = files("synth").joinpath("corpus_sample.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line.strip())


def pick(count: int, *, seed: int) -> list[str]:
    """`count` distinct paragraphs, the same ones for the same seed."""
    return random.Random(seed).sample(paragraphs(), count)
