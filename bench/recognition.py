"""Recognition benchmark: plain `tesseract -l vie` against sohoa on degraded Vietnamese pages.

    python -m bench.recognition [--pages N] [--seed S] [--conditions C ...] [--out docs/benchmarks.md]

Both systems read the same files in the same run, one page at a time in this one process (plain
Tesseract as a subprocess with one thread, sohoa in-process), so their ratios are fair.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench.report import Measurement, markdown, summarise, targets, write_section
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document, warm_up
from synth.corpus import pick
from synth.degrade import CONDITIONS, DegradedPage, degrade
from synth.metrics import normalise
from synth.render import RenderedPage, render_page

ROOT = Path(__file__).resolve().parent.parent
TITLES = ("QUYẾT ĐỊNH", "THÔNG BÁO", "BÁO CÁO", "TỜ TRÌNH", "GIẤY MỜI")


@dataclass(frozen=True)
class System:
    """A column of the table: a name and a way to read a page file into text."""

    name: str
    read: Callable[[Path], str]
    warm: Callable[[], None] | None = None
    """Run once before any page is timed: what a worker loads once when it starts (sohoa's
    `warm_up`: the syllable model, Tesseract's model). Plain Tesseract's CLI loads its model on
    every call, which is what it costs; without this, sohoa's first page paid ~0.4 s of loading
    (clean_300 page 0: 2.36 s against 1.9 s for the same page profiled warm)."""


def plain_tesseract(path: Path) -> str:
    """What anyone gets without us: the tesseract CLI, defaults, one thread (as our workers)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "vie"],
        env=env,
        capture_output=True,
        check=True,
        timeout=600,
    )
    return done.stdout.decode("utf-8")


def sohoa(path: Path) -> str:
    """sohoa's whole pipeline on the file's bytes, as the worker runs it.

    Its modules are imported with this one, before any timing: a worker imports them once.
    """
    return recognise_document(path.read_bytes(), OcrOptions()).text


def sohoa_uncorrected(path: Path) -> str:
    """sohoa with the Vietnamese mark correction off (SOHOA_CORRECT_MARKS=false)."""
    return recognise_document(path.read_bytes(), OcrOptions(correct_marks=False)).text


SYSTEMS: dict[str, System] = {
    "tesseract": System("tesseract", plain_tesseract),
    "sohoa": System("sohoa", sohoa, warm_up),
    "sohoa-uncorrected": System("sohoa-uncorrected", sohoa_uncorrected, warm_up),
}
"""Columns the benchmark can run. Add variants here (e.g. correction off) to compare them."""


def pages(count: int, seed: int) -> list[RenderedPage]:
    """`count` different administrative pages at 300 dpi: other text, title and size each."""
    return [
        render_page(
            pick(30, seed=seed * 1000 + index),
            title=TITLES[index % len(TITLES)],
            font_pt=(13, 14)[index % 2],
        )
        for index in range(count)
    ]


def cpu_seconds() -> float:
    """CPU time so far of this process and of its waited-for children (the tesseract runs)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(system: System, sample: DegradedPage, path: Path, page: int) -> tuple[Measurement, str]:
    """One system on one page file: its errors against the truth, its wall time, its text."""
    start, cpu_start = time.perf_counter(), cpu_seconds()
    error = None
    try:
        text = system.read(path)
    except Exception as exc:  # a system that fails on a page scores as empty, the run goes on
        text, error = "", f"{type(exc).__name__}: {exc}"[:300]
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    ref, hyp = normalise(sample.text), normalise(text)
    return Measurement(
        condition=sample.condition,
        page=page,
        system=system.name,
        char_errors=Levenshtein.distance(ref, hyp),
        chars=len(ref),
        word_errors=Levenshtein.distance(ref.split(), hyp.split()),
        words=len(ref.split()),
        seconds=seconds,
        cpu_seconds=cpu,
        error=error,
    ), text


def run(
    conditions: Sequence[str],
    systems: Sequence[System],
    page_count: int,
    seed: int,
    keep: Path | None = None,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[Measurement]:
    """Every system on every page of every condition, sequentially; texts kept when asked."""
    rows: list[Measurement] = []
    rendered = pages(page_count, seed)
    for system in systems:
        if system.warm is not None:
            system.warm()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        for condition in conditions:
            # The seed follows the condition's place in the registry, not in this run's list:
            # `--conditions photo_afar` reads the same photos as a full run.
            c_index = list(CONDITIONS).index(condition)
            for p_index, page in enumerate(rendered):
                sample = degrade(page, condition, seed=seed * 10_000 + p_index * 100 + c_index)
                path = Path(tmp) / f"{condition}-{p_index}{sample.suffix}"
                path.write_bytes(sample.data)
                # Alternate who goes first, so neither always gets the warmer cache.
                order = systems if p_index % 2 == 0 else list(reversed(systems))
                for system in order:
                    row, text = measure(system, sample, path, p_index)
                    rows.append(row)
                    log(
                        f"{condition:<15} page {p_index}  {system.name:<10} "
                        f"CER {100 * row.char_errors / max(row.chars, 1):6.2f} %  "
                        f"{row.seconds:6.2f} s  CPU {row.cpu_seconds:6.2f} s"
                        + (f"  FAILED {row.error}" if row.error else "")
                    )
                    if keep:
                        keep.mkdir(parents=True, exist_ok=True)
                        stem = f"{condition}-{p_index}"
                        (keep / f"{stem}-{system.name}.txt").write_text(text, encoding="utf-8")
                        (keep / f"{stem}-truth.txt").write_text(sample.text, encoding="utf-8")
                        (keep / f"{stem}{sample.suffix}").write_bytes(sample.data)
                path.unlink()
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        version = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, check=True
        ).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        version = "tesseract (version unknown)"
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), load average at start {load}; {version}"


def revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" with uncommitted changes" if git("status", "--porcelain", "--", "ocr") else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recognition", description=__doc__)
    parser.add_argument("--pages", type=int, default=3, help="pages per condition (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--conditions", nargs="+", choices=list(CONDITIONS), default=None)
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--section",
        default="recognition",
        help="the markers to write between: another name keeps another run (e.g. a held-out seed)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep images, truths, outputs and measurements.jsonl in this folder",
    )
    args = parser.parse_args(argv)
    conditions = args.conditions or list(CONDITIONS)
    command = "python -m bench.recognition " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    started = datetime.now(UTC)
    about = machine()
    rows = run(conditions, [SYSTEMS[s] for s in args.systems], args.pages, args.seed, args.keep)
    if args.keep:
        # One line per page and system, to find the pages a change made better or worse.
        lines = (json.dumps(dataclasses.asdict(r), ensure_ascii=False) for r in rows)
        (args.keep / "measurements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = summarise(rows)
    verdicts = targets(table)
    header = [
        f"## Recognition: sohoa against plain `tesseract -l vie` (seed {args.seed})",
        "",
        f"Made by `{command.strip()}` on {started:%Y-%m-%d %H:%M} UTC, sohoa at {revision()}.  ",
        f"Machine: {about}.  ",
        "CER and WER pooled over the pages (NFC, whitespace collapsed: `synth/metrics.py`); "
        "s/page is the median wall time of one page, both systems one after the other in one "
        "process, one Tesseract thread each; CPU s/page the median CPU time of this process "
        "and its children for the page (above wall time when a system uses several cores, "
        "steadier than wall time on a busy machine). Ratios are sohoa's over plain "
        "Tesseract's. Pages: `synth.render` + `synth.degrade`, seeded (see the table above).",
    ]
    body = markdown(table, verdicts, header)
    write_section(args.out, args.section, body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
