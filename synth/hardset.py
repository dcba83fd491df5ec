"""Write a set of hard-condition pages (`synth.hard`) with their transcripts, for bench.outside.

    python -m synth.hardset --out DIR [--pages N] [--seed S] [--conditions C ...] [--turns 0 180]

Each page is `<condition>_<n>.<png|jpg>` with `<condition>_<n>.gt.txt` beside it (a turned file
is `<condition>_r<degrees>_<n>`), so `python -m bench.outside --set DIR` scores them as it scores
the outside sets, per condition. The same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from models.kinds import DocumentKind
from synth.corpus import pick
from synth.degrade import DegradedPage
from synth.hard import CARD_CONDITIONS, HARD_CONDITIONS, turned
from synth.idcard import card_front
from synth.papers import paper
from synth.render import RenderedPage, render_page

TITLES = ("QUYẾT ĐỊNH", "THÔNG BÁO", "BÁO CÁO", "TỜ TRÌNH", "GIẤY MỜI")


def administrative_page(seed: int) -> RenderedPage:
    """A one-column administrative page at 300 dpi, as bench.recognition renders them."""
    return render_page(
        pick(30, seed=seed), title=TITLES[seed % len(TITLES)], font_pt=(13, 14)[seed % 2]
    )


def certificate(seed: int) -> RenderedPage:
    """A birth certificate or a land-use certificate (the papers printed on security paper)."""
    kinds = (DocumentKind.BIRTH_CERTIFICATE, DocumentKind.LAND_USE_CERTIFICATE)
    return paper(kinds[seed % 2], seed).page


def source_of(condition: str) -> Callable[[int], RenderedPage]:
    """What a condition is applied to: a card's face, a certificate, or an administrative page."""
    if condition in CARD_CONDITIONS:
        return card_front
    return certificate if condition == "security_paper" else administrative_page


def generate(condition: str, index: int, seed: int, quarter_turns: int = 0) -> DegradedPage:
    """Page `index` of `condition`: the same source page and the same file for the same seed,
    whatever else is generated in the same run (and the same page for every turn)."""
    c_index = list(HARD_CONDITIONS).index(condition)
    page = source_of(condition)(seed * 1000 + index)
    rng = np.random.default_rng(seed * 10_000 + index * 100 + c_index)
    return turned(HARD_CONDITIONS[condition], quarter_turns)(page, rng)


def write_set(
    out: Path,
    conditions: Sequence[str],
    pages: int,
    seed: int,
    turns: Sequence[int] = (0,),
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for condition in conditions:
        for index in range(pages):
            for degrees in turns:
                sample = generate(condition, index, seed, degrees // 90)
                path = out / f"{sample.condition}_{index}{sample.suffix}"
                path.write_bytes(sample.data)
                path.with_name(f"{sample.condition}_{index}.gt.txt").write_text(
                    sample.text + "\n", encoding="utf-8"
                )
                written.append(path)
                log(f"{path.name}")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth.hardset", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=5, help="pages per condition (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--conditions", nargs="+", choices=list(HARD_CONDITIONS), default=list(HARD_CONDITIONS)
    )
    parser.add_argument(
        "--turns",
        nargs="+",
        type=int,
        choices=(0, 90, 180, 270),
        default=[0],
        help="also write each page turned clockwise by these degrees (default: upright only)",
    )
    args = parser.parse_args(argv)
    write_set(args.out, args.conditions, args.pages, args.seed, args.turns)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
