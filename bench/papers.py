"""Paper benchmark: kind and key-field accuracy on generated papers of every kind, clean and
degraded, read by the real pipeline (recognition, then `ocr.papers.read_paper`).

    python -m bench.papers [--per-kind N] [--seed S] [--conditions C ...] [--backs N]
                           [--out docs/benchmarks.md]

Recognition is the cost (1–2 s a page); its results are cached on disk under
bench/out/papers-cache (gitignored), keyed by the page file's sha256, so extraction can be tuned
and rerun in seconds. A changed template or condition makes new files, hence new OCR.
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import zones
from bench.recognition import machine, revision
from bench.report import write_section
from models.extraction import FieldName
from models.kinds import DocumentKind
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.papers.lines import fold
from ocr.pipeline import recognise_document
from synth.degrade import CONDITIONS, degrade
from synth.papers import paper

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "out" / "papers-cache"
CLEAN = "clean_300"
DEGRADED = ("skewed_scan", "dpi_150", "fax_100")
"""The issue's degraded set: noise and skew, 150 dpi, fax."""
KIND_TARGET, FIELD_TARGET = 0.95, 0.95


@dataclass(frozen=True)
class Outcome:
    kind: DocumentKind
    condition: str
    seed: int
    read_as: DocumentKind
    fields: dict[FieldName, tuple[str, str | None]]
    """expected value → value read (None when not found)."""
    seconds: float
    """Extraction only (recognition is cached and measured by bench.recognition)."""
    fields_read: int = 0
    """Every field the reading gave, labelled or not."""
    evidenced: int = 0
    """Those with a box and the words they were read from."""

    @property
    def degraded(self) -> bool:
        return self.condition != CLEAN


def _pipeline_version() -> str:
    """The committed tree of `ocr/` (its git object id): a cached result read by another
    version of the pipeline is not this pipeline's result."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD:ocr"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unversioned"
    return found.stdout.strip()[:12]


def recognised(data: bytes) -> DocumentResult:
    name = f"{_pipeline_version()}-{hashlib.sha256(data).hexdigest()[:24]}.json"
    key = CACHE / name
    if key.exists():
        return DocumentResult.model_validate_json(key.read_text(encoding="utf-8"))
    result = recognise_document(data, OcrOptions())
    CACHE.mkdir(parents=True, exist_ok=True)
    key.write_text(result.model_dump_json(), encoding="utf-8")
    return result


def run(
    per_kind: int,
    seed: int,
    conditions: Sequence[str],
    report: Callable[[list[Outcome], int], None] = lambda rows, papers: None,
) -> list[Outcome]:
    """Every paper under every condition; `report` after each round of one paper a kind, so a
    run stopped early (the machine is shared, OCR is slow) has written its rounds so far."""
    outcomes: list[Outcome] = []
    # paper by paper across kinds, so a run cut short still covers every kind
    for index in range(per_kind):
        for kind in DocumentKind:
            labelled = paper(kind, seed * 1000 + index)
            for c_index, condition in enumerate(conditions):
                sample = degrade(labelled.page, condition, seed * 10_000 + index * 100 + c_index)
                result = recognised(sample.data)
                start = time.perf_counter()
                reading = read_paper(result)
                seconds = time.perf_counter() - start
                fields = {
                    name: (value, getattr(reading.get(name), "value", None))
                    for name, value in labelled.fields.items()
                }
                evidenced = sum(bool(f.box and f.evidence.strip()) for f in reading.fields)
                outcome = Outcome(
                    kind,
                    condition,
                    index,
                    reading.kind,
                    fields,
                    seconds,
                    len(reading.fields),
                    evidenced,
                )
                outcomes.append(outcome)
                wrong = {n.value: v for n, v in fields.items() if v[0] != v[1]}
                print(
                    f"{kind:<24} {index:>3} {condition:<12} read as {reading.kind:<24}"
                    + (f" wrong {wrong}" if wrong else ""),
                    file=sys.stderr,
                    flush=True,
                )
        report(outcomes, index + 1)
    return outcomes


def _pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f} % ({hits}/{total})" if total else "–"


def _fields(rows: Sequence[Outcome], loose: bool = False) -> tuple[int, int]:
    pairs = [pair for row in rows for pair in row.fields.values()]
    same = (lambda a, b: b is not None and fold(a) == fold(b)) if loose else (lambda a, b: a == b)
    return sum(same(a, b) for a, b in pairs), len(pairs)


def markdown(
    rows: Sequence[Outcome], header: Sequence[str], backs: Sequence[zones.Back] = ()
) -> str:
    lines = [*header, ""]
    lines += [
        "| kind | papers | kind, clean | kind, degraded | fields, clean | fields, degraded |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    by_kind: dict[DocumentKind, list[Outcome]] = defaultdict(list)
    for row in rows:
        by_kind[row.kind].append(row)
    for kind, group in [*by_kind.items(), (None, list(rows))]:
        clean = [r for r in group if not r.degraded]
        dirty = [r for r in group if r.degraded]
        name = f"`{kind}`" if kind else "**all**"
        papers = len({(r.kind, r.seed) for r in group})
        lines.append(
            f"| {name} | {papers} "
            f"| {_pct(sum(r.read_as == r.kind for r in clean), len(clean))} "
            f"| {_pct(sum(r.read_as == r.kind for r in dirty), len(dirty))} "
            f"| {_pct(*_fields(clean))} | {_pct(*_fields(dirty))} |"
        )
    lines += [
        "",
        "| field | clean, exact | degraded, exact | degraded, same without marks |",
        "| --- | --- | --- | --- |",
    ]
    for name in FieldName:
        picked = [
            Outcome(r.kind, r.condition, r.seed, r.read_as, {name: r.fields[name]}, r.seconds)
            for r in rows
            if name in r.fields
        ]
        if not picked:
            continue
        clean = [r for r in picked if not r.degraded]
        dirty = [r for r in picked if r.degraded]
        lines.append(
            f"| `{name}` | {_pct(*_fields(clean))} | {_pct(*_fields(dirty))} "
            f"| {_pct(*_fields(dirty, loose=True))} |"
        )
    dirty = [r for r in rows if r.degraded]
    kind_rate = sum(r.read_as == r.kind for r in dirty) / max(len(dirty), 1)
    hits, total = _fields(dirty)
    field_rate = hits / max(total, 1)
    names = [
        Outcome(r.kind, r.condition, r.seed, r.read_as, {n: v}, r.seconds)
        for r in dirty
        for n, v in r.fields.items()
        if n is FieldName.FULL_NAME
    ]
    name_hits, name_total = _fields(names)
    name_rate = name_hits / max(name_total, 1)
    read = sum(r.fields_read for r in rows) + sum(b.fields for b in backs)
    evidenced = sum(r.evidenced for r in rows) + sum(b.evidenced for b in backs)
    lines += [
        "",
        "| target (degraded set) | this run | limit | met? |",
        "| --- | --- | --- | --- |",
        f"| kind accuracy | {100 * kind_rate:.1f} % | ≥ {100 * KIND_TARGET:.0f} % "
        f"| {'met' if kind_rate >= KIND_TARGET else '**missed**'} |",
        f"| exact field accuracy | {100 * field_rate:.1f} % | ≥ {100 * FIELD_TARGET:.0f} % "
        f"| {'met' if field_rate >= FIELD_TARGET else '**missed**'} |",
        f"| full names exact | {100 * name_rate:.1f} % | ≥ {100 * FIELD_TARGET:.0f} % "
        f"| {'met' if name_rate >= FIELD_TARGET else '**missed**'} |",
        f"| fields with evidence (box and words), every paper | {evidenced} of {read} "
        f"| all | {'met' if evidenced == read else '**missed**'} |",
        "",
        f"Extraction alone takes {1000 * statistics.median(r.seconds for r in rows):.1f} ms "
        "a page (median; recognition excluded).",
    ]
    if backs:
        lines += zones.markdown(backs)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.papers", description=__doc__)
    parser.add_argument("--per-kind", type=int, default=10, help="papers of each kind (10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--conditions", nargs="+", choices=list(CONDITIONS), default=[CLEAN, *DEGRADED]
    )
    parser.add_argument("--backs", type=int, default=20, help="ID card backs a condition (20)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    command = "python -m bench.papers " + shlex.join(argv if argv is not None else sys.argv[1:])
    started, about = datetime.now(UTC), machine()
    at = revision()

    def report(rows: list[Outcome], papers: int) -> None:
        cut = "" if papers == args.per_kind else f"; the run of {args.per_kind} stopped there"
        write_section(args.out, "papers", markdown(rows, header(papers, cut)))

    def header(papers: int, cut: str) -> list[str]:
        return [
            f"## Papers: kind and key fields (seed {args.seed})",
            "",
            f"Made by `{command.strip()}` on {started:%Y-%m-%d %H:%M} UTC, sohoa at {at}.  ",
            f"Machine: {about}.  ",
            f"Generated papers of every kind (`synth/papers.py`, {papers} a kind{cut}), each "
            f"scanned clean (`{CLEAN}`) and degraded ({', '.join(f'`{c}`' for c in DEGRADED)}), "
            "recognised by the whole pipeline, read by `ocr.papers.read_paper`. A field counts "
            "when its value equals the label exactly (ISO dates, digits, names with every mark); "
            "the last column forgives marks only, to tell extraction errors from recognition's.",
        ]

    rows = run(args.per_kind, args.seed, args.conditions, report)
    backs = zones.run(args.backs, args.seed)
    text = markdown(rows, header(args.per_kind, ""), backs)
    write_section(args.out, "papers", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
