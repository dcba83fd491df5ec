"""Recognition on pages we did not make: plain `tesseract -l vie` against sohoa, same run.

    python -m bench.outside [--set DIR ...] [--keep DIR] [--out docs/benchmarks.md]

A set is a folder of page images; a page with a transcript beside it (`<stem>.gt.txt`) is scored
by CER, WER and an order-free word error against it. A page without one (real scans nobody
transcribed) is scored by what needs no transcript: the turn sohoa applied (every page of the
shared sets is upright as given), sohoa's and plain Tesseract's mean word confidence and share of
words that spell Vietnamese syllables, and how many of plain Tesseract's confident words sohoa's
reading keeps. By default the sets are `../shared/data/nomvn-dev` and
`../shared/data/real-scans-nogt` beside the repository; without them the benchmark says so and
exits 0 (the repository's tests never need them).

Both systems read each page one after the other in this one process (plain Tesseract as a
subprocess with one thread, sohoa in-process with one Tesseract thread), alternating who goes
first, so their time ratio is fair on a shared machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.recognition import ROOT, cpu_seconds, machine, revision
from bench.report import TIME_RATIO, write_section
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document, warm_up
from ocr.vietnamese import is_valid
from ocr.vietnamese.normalise import split_token
from synth.metrics import normalise

SHARED = ROOT.parent / "shared" / "data"
DEFAULT_SETS = (SHARED / "nomvn-dev", SHARED / "real-scans-nogt")
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf")
CONFIDENT = 80.0
"""Plain Tesseract's words at or above this confidence are what sohoa's reading must keep."""
PAGE_MARGIN = 0.02
"""No page may read more than this (2 CER points) worse than plain Tesseract."""
CER_RATIO = 0.5
KEPT_FLOOR = 0.9
"""A page without a transcript is 'readable' when sohoa keeps this share of plain's confident words."""


@dataclass(frozen=True)
class Reading:
    text: str
    seconds: float
    cpu_seconds: float
    confidences: list[float]
    confident: list[str] = field(default_factory=list)
    """Its confident words that spell syllables (plain Tesseract's, from its TSV)."""
    turn: int | None = None
    error: str | None = None
    checks: list[str] = field(default_factory=list)

    @property
    def mean_confidence(self) -> float | None:
        return statistics.fmean(self.confidences) if self.confidences else None


@dataclass(frozen=True)
class Score:
    """One system on one page."""

    seconds: float
    cpu_seconds: float
    confidence: float | None
    valid: float | None
    """Share of its alphabetic words that spell Vietnamese syllables."""
    turn: int | None = None
    error: str | None = None
    checks: list[str] = field(default_factory=list)
    char_errors: int | None = None
    """Against the transcript, when the page has one (likewise the next two)."""
    word_errors: int | None = None
    bag_errors: int | None = None
    kept: float | None = None
    """Pages without transcript: share of plain Tesseract's confident words it also has."""


@dataclass(frozen=True)
class PageRow:
    """One page of one set, both systems."""

    set: str
    page: str
    category: str
    chars: int
    words: int
    plain: Score
    sohoa: Score

    @property
    def transcribed(self) -> bool:
        return self.sohoa.char_errors is not None


def category_of(stem: str) -> str:
    """`receipt_4` → `receipt`; `qd_707_ttg-10` → `qd_707_ttg` (the document)."""
    head = stem.rsplit("-", 1)[0] if "-" in stem else stem
    return head.rsplit("_", 1)[0] if head == stem and "_" in stem else head


def plain_tesseract(path: Path) -> Reading:
    """The tesseract CLI with its defaults and one thread; its TSV rides on the same pass."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryDirectory(prefix="sohoa-outside-") as tmp:
        base = Path(tmp) / "out"
        start, cpu = time.perf_counter(), cpu_seconds()
        subprocess.run(
            ["tesseract", str(path), str(base), "-l", "vie", "txt", "tsv"],
            env=env,
            capture_output=True,
            check=True,
            timeout=600,
        )
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        text = (base.with_suffix(".txt")).read_text(encoding="utf-8")
        confidences, confident = [], []
        for line in base.with_suffix(".tsv").read_text(encoding="utf-8").splitlines()[1:]:
            cells = line.split("\t")
            if len(cells) >= 12 and cells[0] == "5" and cells[11].strip():
                confidences.append(float(cells[10]))
                core = split_token(normalise(cells[11]))[1]
                if float(cells[10]) >= CONFIDENT and core.isalpha() and is_valid(core.lower()):
                    confident.append(core)
    return Reading(text, seconds, cpu, confidences, confident)


def sohoa(path: Path) -> Reading:
    start, cpu = time.perf_counter(), cpu_seconds()
    try:
        result = recognise_document(path.read_bytes(), OcrOptions())
    except Exception as exc:  # a failure scores as an empty page; the run goes on
        return Reading(
            "", time.perf_counter() - start, cpu_seconds() - cpu, [], error=repr(exc)[:300]
        )
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    page = result.pages[0]
    confidences = [w.confidence for p in result.pages for w in p.words]
    return Reading(
        result.text,
        seconds,
        cpu,
        confidences,
        turn=page.pose.turn if page.pose else None,
        checks=[f"{c.name}: {c.decision}" for c in page.checks],
    )


def words_of(text: str) -> list[str]:
    return [core for token in normalise(text).split() if (core := split_token(token)[1])]


def bag_errors(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Word errors with order set aside: words missing or extra, whichever are more."""
    ref, hyp = Counter(reference), Counter(hypothesis)
    return max(sum((ref - hyp).values()), sum((hyp - ref).values()))


def valid_share(words: Sequence[str]) -> float | None:
    letters = [w for w in words if w.isalpha()]
    return sum(is_valid(w.lower()) for w in letters) / len(letters) if letters else None


def score(reading: Reading, truth: str | None, confident: list[str]) -> Score:
    hyp_words = words_of(reading.text)
    mean = reading.mean_confidence
    row = Score(
        seconds=round(reading.seconds, 3),
        cpu_seconds=round(reading.cpu_seconds, 3),
        confidence=round(mean, 1) if mean is not None else None,
        valid=round(v, 3) if (v := valid_share(hyp_words)) is not None else None,
        turn=reading.turn,
        error=reading.error,
        checks=reading.checks,
    )
    if truth is not None:
        ref, hyp = normalise(truth), normalise(reading.text)
        row = dataclasses.replace(
            row,
            char_errors=Levenshtein.distance(ref, hyp),
            word_errors=Levenshtein.distance(ref.split(), hyp.split()),
            bag_errors=bag_errors(words_of(truth), hyp_words),
        )
    if confident:
        missing = sum((Counter(confident) - Counter(hyp_words)).values())
        row = dataclasses.replace(row, kept=round(1 - missing / len(confident), 3))
    return row


def pages_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGES)


def run(
    sets: Sequence[Path],
    keep: Path | None,
    log: Callable[[str], None],
    limit: int | None = None,
    only: str | None = None,
) -> list[PageRow]:
    rows: list[PageRow] = []
    index = 0
    warm_up()  # what a worker loads once (models), not the first page's time
    for folder in sets:
        for path in pages_of(folder)[:limit]:
            if only and only not in path.stem:
                continue
            gt = path.with_name(path.stem + ".gt.txt")
            truth = gt.read_text(encoding="utf-8") if gt.exists() else None
            first, second = (plain_tesseract, sohoa) if index % 2 == 0 else (sohoa, plain_tesseract)
            readings = {first: first(path), second: second(path)}
            index += 1
            plain, ours = readings[plain_tesseract], readings[sohoa]
            confident = [] if truth is not None else plain.confident
            row = PageRow(
                set=folder.name,
                page=path.stem,
                category=category_of(path.stem),
                chars=len(normalise(truth)) if truth is not None else 0,
                words=len(words_of(truth)) if truth is not None else len(confident),
                plain=score(plain, truth, confident),
                sohoa=score(ours, truth, confident),
            )
            rows.append(row)
            log(line_of(row))
            if keep:
                out = keep / folder.name
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{path.stem}.tesseract.txt").write_text(plain.text, encoding="utf-8")
                (out / f"{path.stem}.sohoa.txt").write_text(ours.text, encoding="utf-8")
    return rows


def _cer(side: Score, chars: int) -> float:
    return (side.char_errors or 0) / max(chars, 1)


def line_of(row: PageRow) -> str:
    p, s = row.plain, row.sohoa
    if row.transcribed:
        what = (
            f"CER plain {100 * _cer(p, row.chars):6.2f} %  sohoa {100 * _cer(s, row.chars):6.2f} %"
        )
    else:
        what = f"kept {s.kept}  conf plain {p.confidence} sohoa {s.confidence}"
    return (
        f"{row.set:<16} {row.page:<18} {what}  turn {s.turn}  "
        f"time {p.seconds:.2f}/{s.seconds:.2f} s" + (f"  FAILED {s.error}" if s.error else "")
    )


# ---- the report -------------------------------------------------------------------------------


@dataclass
class Totals:
    pages: int = 0
    chars: int = 0
    words: int = 0
    errors: dict[str, list[int]] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, row: PageRow) -> None:
        self.pages += 1
        self.chars += row.chars
        self.words += row.words
        for name, side in (("plain", row.plain), ("sohoa", row.sohoa)):
            errs = self.errors.setdefault(name, [0, 0, 0])
            for k, count in enumerate((side.char_errors, side.word_errors, side.bag_errors)):
                errs[k] += count or 0
            self.seconds.setdefault(name, []).append(side.seconds)

    def rate(self, name: str, kind: int) -> float:
        return self.errors[name][kind] / max(self.chars if kind == 0 else self.words, 1)

    def time_ratio(self) -> float:
        return sum(self.seconds["sohoa"]) / max(sum(self.seconds["plain"]), 1e-9)


def _pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def transcribed_section(rows: list[PageRow]) -> tuple[list[str], list[tuple[str, bool, str]]]:
    by_category: dict[str, Totals] = {}
    overall = Totals()
    for row in rows:
        by_category.setdefault(f"{row.set}/{row.category}", Totals()).add(row)
        overall.add(row)
    lines = [
        "| set/category | pages | plain CER | sohoa CER | plain WER | sohoa WER | "
        "plain order-free WER | sohoa order-free WER | time sohoa/plain |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    targets: list[tuple[str, bool, str]] = []
    for name, t in [*sorted(by_category.items()), ("**overall**", overall)]:
        lines.append(
            f"| {name} | {t.pages} | {_pct(t.rate('plain', 0))} | {_pct(t.rate('sohoa', 0))} | "
            f"{_pct(t.rate('plain', 1))} | {_pct(t.rate('sohoa', 1))} | "
            f"{_pct(t.rate('plain', 2))} | {_pct(t.rate('sohoa', 2))} | {t.time_ratio():.2f} |"
        )
        if name != "**overall**":
            worse = t.rate("sohoa", 0) > t.rate("plain", 0)
            targets.append(
                (
                    f"{name}: CER no worse than plain",
                    not worse,
                    f"{_pct(t.rate('sohoa', 0))} against {_pct(t.rate('plain', 0))}",
                )
            )
    ratio = overall.rate("sohoa", 0) / max(overall.rate("plain", 0), 1e-9)
    targets.insert(0, ("overall CER ≤ 0.5 × plain", ratio <= CER_RATIO, f"{ratio:.2f} ×"))
    worst = max(rows, key=lambda r: _cer(r.sohoa, r.chars) - _cer(r.plain, r.chars))
    gap = _cer(worst.sohoa, worst.chars) - _cer(worst.plain, worst.chars)
    targets.insert(
        1,
        (
            "no page more than 2 points worse than plain",
            gap <= PAGE_MARGIN,
            f"worst {worst.page}: {100 * gap:+.2f} points",
        ),
    )
    targets.append(
        (
            f"time ≤ {TIME_RATIO} × plain (sum over pages)",
            overall.time_ratio() <= TIME_RATIO,
            f"{overall.time_ratio():.2f} ×",
        )
    )
    return lines, targets


def untranscribed_section(rows: list[PageRow]) -> tuple[list[str], list[tuple[str, bool, str]]]:
    lines = [
        "| page | sohoa turn | kept of plain's confident words | plain conf | sohoa conf | "
        "plain valid syllables | sohoa valid syllables | time sohoa/plain |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    turned = unreadable = 0
    total = Totals()
    for row in rows:
        total.add(row)
        p, s = row.plain, row.sohoa
        kept = s.kept or 0.0
        turned += bool(s.turn)
        unreadable += kept < KEPT_FLOOR
        lines.append(
            f"| {row.set}/{row.page} | {s.turn} | {kept:.3f} | {p.confidence} | "
            f"{s.confidence} | {p.valid} | {s.valid} | {s.seconds / max(p.seconds, 1e-9):.2f} |"
        )
    targets = [
        ("no page turned (every page is upright as given)", turned == 0, f"{turned} turned"),
        (
            f"every page readable (keeps ≥ {KEPT_FLOOR:.0%} of plain's confident words)",
            unreadable == 0,
            f"{unreadable} below",
        ),
        (
            f"time ≤ {TIME_RATIO} × plain (sum over pages)",
            total.time_ratio() <= TIME_RATIO,
            f"{total.time_ratio():.2f} ×",
        ),
    ]
    return lines, targets


def per_page_table(rows: list[PageRow]) -> list[str]:
    lines = [
        "| page | plain CER | sohoa CER | difference (points) | sohoa turn | checks |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in sorted(rows, key=lambda r: _cer(r.plain, r.chars) - _cer(r.sohoa, r.chars)):
        p, s = _cer(row.plain, row.chars), _cer(row.sohoa, row.chars)
        checks = "; ".join(row.sohoa.checks)
        lines.append(
            f"| {row.set}/{row.page} | {_pct(p)} | {_pct(s)} | {100 * (s - p):+.2f} | "
            f"{row.sohoa.turn} | {checks} |"
        )
    return lines


def report(rows: list[PageRow], command: str, started: datetime, about: str) -> str:
    transcribed = [r for r in rows if r.transcribed]
    untranscribed = [r for r in rows if not r.transcribed]
    out = [
        "## Outside pages: sohoa against plain `tesseract -l vie` on pages we did not make",
        "",
        f"Made by `{command}` on {started:%Y-%m-%d %H:%M} UTC, sohoa at {revision()}.  ",
        f"Machine: {about}.  ",
        "Both systems read each page one after the other in one process, one Tesseract thread "
        "each. CER/WER: NFC, whitespace collapsed (`synth/metrics.py`); the order-free WER counts "
        "words missing or extra with order set aside (reading order is not charged). Pages without "
        "a transcript: 'kept' is the share of plain Tesseract's confident (≥ 80) words that spell "
        "Vietnamese syllables which sohoa's reading also has; 'valid' the share of words that "
        "spell syllables; conf the mean word confidence.",
        "",
    ]
    targets: list[tuple[str, bool, str]] = []
    if transcribed:
        lines, t = transcribed_section(transcribed)
        out += ["### Pages with a transcript", "", *lines, ""]
        targets += t
    if untranscribed:
        lines, t = untranscribed_section(untranscribed)
        out += ["### Pages without a transcript", "", *lines, ""]
        targets += t
    out += ["### Targets", "", "| target | this run | met? |", "| --- | --- | --- |"]
    out += [
        f"| {name} | {value} | {'met' if met else '**missed**'} |" for name, met, value in targets
    ]
    if transcribed:
        out += [
            "",
            "<details><summary>Every transcribed page, best to worst for sohoa</summary>",
            "",
            *per_page_table(transcribed),
            "",
            "</details>",
        ]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.outside", description=__doc__)
    parser.add_argument("--set", dest="sets", type=Path, action="append", default=None)
    parser.add_argument(
        "--keep", type=Path, default=None, help="write both texts and rows.jsonl here"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--section", default="outside")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--only", default=None, help="pages whose name contains this")
    parser.add_argument("--no-write", action="store_true", help="print, do not write --out")
    args = parser.parse_args(argv)
    sets = [s for s in (args.sets or DEFAULT_SETS) if s.is_dir()]
    if not sets:
        wanted = ", ".join(str(s) for s in (args.sets or DEFAULT_SETS))
        print(f"bench.outside: no page sets here ({wanted}); nothing to measure", file=sys.stderr)
        return 0
    command = "python -m bench.outside " + shlex.join(argv if argv is not None else sys.argv[1:])
    started, about = datetime.now(UTC), machine()
    rows = run(
        sets,
        args.keep,
        lambda line: print(line, file=sys.stderr, flush=True),
        args.limit,
        args.only,
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "rows.jsonl").write_text(
            "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows),
            encoding="utf-8",
        )
    body = report(rows, command.strip(), started, about)
    if not args.no_write:
        write_section(args.out, args.section, body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
