"""Turn per-page measurements into the per-condition table, the verdict on each target, Markdown.

The Markdown goes between markers in docs/benchmarks.md, so several benchmarks share the file
and a rerun replaces only its own section.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

BASELINE = "tesseract"
CANDIDATE = "sohoa"
CLEAN = "clean_300"
LOOSE = {"photo_afar": 0.05}
"""Conditions with a looser CER target than the 3 % every other degraded condition must meet."""
DEGRADED_CER = 0.03
CER_RATIO = 0.2
TIME_RATIO = 1.0
"""Issue 19 (as fast as plain Tesseract): sohoa's time over plain Tesseract's, same pages, same run
(1.2 before it)."""


@dataclass(frozen=True)
class Measurement:
    condition: str
    page: int
    system: str
    char_errors: int
    chars: int
    word_errors: int
    words: int
    seconds: float
    """Wall time."""
    cpu_seconds: float = float("nan")
    """CPU time of this process and its children (Tesseract): less swayed by a busy machine."""
    error: str | None = None
    """The system raised instead of answering (its text counted as empty)."""


@dataclass(frozen=True)
class Cell:
    """One system on one condition (or overall): pooled error rates, median time."""

    pages: int
    cer: float
    wer: float
    seconds: float
    cpu_seconds: float
    failures: int

    @classmethod
    def of(cls, rows: Sequence[Measurement]) -> Cell:
        return cls(
            pages=len(rows),
            cer=sum(r.char_errors for r in rows) / max(sum(r.chars for r in rows), 1),
            wer=sum(r.word_errors for r in rows) / max(sum(r.words for r in rows), 1),
            seconds=statistics.median(r.seconds for r in rows) if rows else float("nan"),
            cpu_seconds=statistics.median(r.cpu_seconds for r in rows) if rows else float("nan"),
            failures=sum(r.error is not None for r in rows),
        )


OVERALL = "overall"


def summarise(rows: Iterable[Measurement]) -> dict[str, dict[str, Cell]]:
    """condition (in first-seen order, then "overall") → system → cell."""
    rows = list(rows)
    conditions = list(dict.fromkeys(r.condition for r in rows))
    systems = list(dict.fromkeys(r.system for r in rows))
    table = {
        c: {s: Cell.of([r for r in rows if r.condition == c and r.system == s]) for s in systems}
        for c in conditions
    }
    table[OVERALL] = {s: Cell.of([r for r in rows if r.system == s]) for s in systems}
    return table


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    relation: str
    """How value must compare to limit: "<" or "≤"."""
    limit: float
    percent: bool
    """Value and limit are rates (shown as %) rather than ratios."""

    @property
    def met(self) -> bool:
        return self.value < self.limit if self.relation == "<" else self.value <= self.limit


def targets(table: dict[str, dict[str, Cell]]) -> list[Target]:
    """The issue's targets, each judged on this run's figures."""
    if OVERALL not in table or not {BASELINE, CANDIDATE} <= set(table[OVERALL]):
        return []
    result: list[Target] = []
    base, cand = table[OVERALL][BASELINE], table[OVERALL][CANDIDATE]
    ratio = cand.cer / base.cer if base.cer else float("inf")
    result.append(Target("overall CER / plain Tesseract's", ratio, "≤", CER_RATIO, False))
    for condition, cells in table.items():
        if condition in (OVERALL, CLEAN):
            continue
        limit = LOOSE.get(condition, DEGRADED_CER)
        cer = cells[CANDIDATE].cer
        result.append(Target(f"{condition}: CER", cer, "<", limit, True))
    if CLEAN in table:
        cer, plain = table[CLEAN][CANDIDATE].cer, table[CLEAN][BASELINE].cer
        result.append(
            Target(f"{CLEAN}: CER no worse than plain Tesseract's", cer, "≤", plain, True)
        )
    time_ratio = cand.seconds / base.seconds if base.seconds else float("inf")
    result.append(Target("median s/page / plain Tesseract's", time_ratio, "≤", TIME_RATIO, False))
    cpu_ratio = cand.cpu_seconds / base.cpu_seconds if base.cpu_seconds else float("inf")
    result.append(
        Target("median CPU s/page / plain Tesseract's", cpu_ratio, "≤", TIME_RATIO, False)
    )
    return result


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def markdown(
    table: dict[str, dict[str, Cell]], verdicts: list[Target], header_lines: Sequence[str]
) -> str:
    """The section's body: how it was made, the table, the targets."""
    systems = list(next(iter(table.values())))
    ratios = BASELINE in systems and CANDIDATE in systems
    head = ["condition", "pages"]
    for s in systems:
        head += [f"{s} CER", f"{s} WER", f"{s} s/page", f"{s} CPU s/page"]
    if ratios:
        head += [f"CER {CANDIDATE}/{BASELINE}", f"time {CANDIDATE}/{BASELINE}"]
    lines = [*header_lines, "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for condition, cells in table.items():
        name = f"**{condition}**" if condition == OVERALL else condition
        row = [name, str(next(iter(cells.values())).pages)]
        for s in systems:
            cell = cells[s]
            failed = f" ({cell.failures} failed)" if cell.failures else ""
            row += [
                _pct(cell.cer) + failed,
                _pct(cell.wer),
                f"{cell.seconds:.2f}",
                f"{cell.cpu_seconds:.2f}",
            ]
        if ratios:
            base, cand = cells[BASELINE], cells[CANDIDATE]
            row.append(f"{cand.cer / base.cer:.2g}" if base.cer else "–")
            row.append(f"{cand.seconds / base.seconds:.2f}" if base.seconds else "–")
        lines.append("| " + " | ".join(row) + " |")
    if verdicts:
        lines += ["", "| target | this run | limit | met? |", "| --- | --- | --- | --- |"]
        for t in verdicts:
            show = _pct if t.percent else "{:.2f}".format
            verdict = "met" if t.met else "**missed**"
            lines.append(
                f"| {t.name} | {show(t.value)} | {t.relation} {show(t.limit)} | {verdict} |"
            )
    return "\n".join(lines) + "\n"


def write_section(path: Path, name: str, body: str) -> None:
    """Put `body` between `<!-- name:begin -->` and `<!-- name:end -->` in `path`, keeping the rest."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    section = f"{begin}\n{body.rstrip()}\n{end}"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin in old and end in old and old.index(begin) < old.index(end):
        before, rest = old.split(begin, 1)
        after = rest.split(end, 1)[1]
        new = before + section + after
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
