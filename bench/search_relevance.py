"""Relevance of search on generated dossiers: recall@10 and MRR over queries people type.

Queries are drawn from the generated dossiers (names with and without marks, upper case, ID
numbers, dossier codes, quoted addresses with and without marks, name prefixes); the relevant
dossiers of each query are found by an oracle over the generator's own records, not by search.
A hit is relevant when it is a page of a relevant dossier.

    python -m bench.search_relevance [--dossiers 400] [--per-kind 8] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.report import write_section
from bench.search_data import load
from services.context import Context
from services.search import search
from services.settings import Settings
from synth.dossiers import SynthDossier, dossiers
from tests.conftest import ADMIN

K = 10
ROOT = Path(__file__).resolve().parent.parent


def fold(text: str) -> str:
    from ocr.vietnamese.normalise import fold_diacritics

    return " ".join(fold_diacritics(text).lower().split())


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    relevant: frozenset[str]
    """Codes of the dossiers a perfect search returns."""


def _same(
    pool: Sequence[SynthDossier], key: Callable[[SynthDossier], object], value: object
) -> frozenset[str]:
    """Codes of the dossiers whose `key` is `value`."""
    return frozenset(d.code for d in pool if key(d) == value)


def _folded_name(d: SynthDossier) -> str:
    return fold(d.applicant_name)


def _folded_address(d: SynthDossier) -> str:
    return fold(d.address)


def _name_start(d: SynthDossier) -> tuple[str, str, str]:
    """Family and middle name folded, and the given name's first two letters."""
    family, middle, given = _folded_name(d).split()
    return family, middle, given[:2]


def cases(pool: Sequence[SynthDossier], per_kind: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for d in rng.sample(list(pool), per_kind):
        folded = _folded_name(d)
        same_folded = _same(pool, _folded_name, folded)
        family, middle, start = _name_start(d)
        out += [
            Case("name, marks", d.applicant_name, _same(pool, _applicant, d.applicant_name)),
            Case("name, no marks", folded, same_folded),
            Case("NAME, NO MARKS", folded.upper(), same_folded),
            Case("personal ID", d.applicant_id, _same(pool, _personal_id, d.applicant_id)),
            Case("dossier code", d.code, frozenset({d.code})),
            Case("address phrase, marks", f'"{d.address}"', _same(pool, _address, d.address)),
            Case(
                "address phrase, no marks",
                f'"{fold(d.address)}"',
                _same(pool, _folded_address, fold(d.address)),
            ),
            Case(
                "family + given name, no marks",
                f"{family} {folded.split()[2]}",
                _same(pool, _family_given, (family, folded.split()[2])),
            ),
            Case(
                "name prefix",
                f"{family} {middle} {start}*",
                _same(pool, _name_start, (family, middle, start)),
            ),
        ]
    return out


def _family_given(d: SynthDossier) -> tuple[str, str]:
    """What a searcher remembers of a name: "Nguyễn … An" without the middle name."""
    family, _middle, given = _folded_name(d).split()
    return family, given


def _applicant(d: SynthDossier) -> str:
    return d.applicant_name


def _personal_id(d: SynthDossier) -> str:
    return d.applicant_id


def _address(d: SynthDossier) -> str:
    return d.address


@dataclass(frozen=True)
class Score:
    case: Case
    recall: float
    reciprocal_rank: float


def evaluate(ctx: Context, case: Case) -> Score:
    hits = search(ctx, ADMIN, case.query, limit=K).hits
    codes = [h.dossier_code for h in hits]
    found = {c for c in codes if c in case.relevant}
    recall = len(found) / min(len(case.relevant), K)
    first = next((rank for rank, c in enumerate(codes, start=1) if c in case.relevant), None)
    return Score(case, recall, 1 / first if first else 0.0)


def run(ctx: Context, dossier_count: int, per_kind: int, seed: int = 11) -> list[Score]:
    pool = load(ctx, dossiers(dossier_count, seed=seed))
    return [evaluate(ctx, case) for case in cases(pool, per_kind, seed)]


def summary(scores: Sequence[Score]) -> tuple[float, float]:
    return (
        statistics.fmean(s.recall for s in scores),
        statistics.fmean(s.reciprocal_rank for s in scores),
    )


def markdown(scores: Sequence[Score], dossier_count: int, pages: int, backend: str) -> str:
    recall, mrr = summary(scores)
    lines = [
        "## Search relevance",
        "",
        f"`python -m bench.search_relevance` on {backend}: {dossier_count} generated dossiers "
        f"({pages} pages), {len(scores)} queries; a hit is relevant when it is a page of a "
        "dossier the generator's records say matches (oracle, not search).",
        "",
        "| query kind | queries | recall@10 | MRR |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind in dict.fromkeys(s.case.kind for s in scores):
        rows = [s for s in scores if s.case.kind == kind]
        r, m = summary(rows)
        lines.append(f"| {kind} | {len(rows)} | {r:.3f} | {m:.3f} |")
    lines.append(f"| **all** | {len(scores)} | **{recall:.3f}** | **{mrr:.3f}** |")
    misses = [s for s in scores if s.reciprocal_rank < 1]
    if misses:
        lines += ["", "Queries whose first hit is not relevant:", ""]
        lines += [
            f"- `{s.case.query}` ({s.case.kind}): MRR {s.reciprocal_rank:.2f}" for s in misses
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=400)
    parser.add_argument("--per-kind", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the docs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url=args.database_url, workers=0)
        ctx = Context.open(settings)
        try:
            scores = run(ctx, args.dossiers, args.per_kind)
            pages = ctx.search.index.stats().entries
            backend = ctx.search.engine.dialect.name
        finally:
            ctx.close()
    text = markdown(scores, args.dossiers, pages, backend)
    print(text)
    if not args.no_write:
        write_section(ROOT / "docs" / "benchmarks.md", "search-relevance", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
