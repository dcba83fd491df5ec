"""Layout benchmark: Decree 30/2020 papers (two-column header and footer, seal over the signature)
read with and without sohoa's layout step, against plain Tesseract and the single-column twin.

    python -m bench.layout [--pages N] [--seed S] [--out docs/benchmarks.md]

Each paper is rendered twice with the same lines (`synth.admin`): in its real layout and in one
column, then scanned in colour at 200 dpi (`synth.degrade.colour_scan`). The twin's CER is what
recognition alone costs; the gap between the two is what reading order and marks still cost.
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.recognition import ROOT, System, machine, measure, plain_tesseract, revision
from bench.report import Measurement, summarise, write_section
from ocr.engine import recognise
from ocr.layout import arrange
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from ocr.prepare import prepare_page, source_dpi
from ocr.regions import find_regions
from synth.admin import admin_pages
from synth.corpus import pick
from synth.degrade import DegradedPage, colour_scan

TWO, ONE = "admin_two_column", "admin_one_column"


def sohoa(path: Path) -> str:
    return recognise_document(path.read_bytes(), OcrOptions()).text


def sohoa_without_layout(path: Path) -> str:
    return recognise_document(path.read_bytes(), OcrOptions(layout=False)).text


SYSTEMS = (
    System("tesseract", plain_tesseract),
    System("sohoa", sohoa),
    System("sohoa-no-layout", sohoa_without_layout),
)


def step_seconds(sample: DegradedPage) -> float:
    """CPU time of the layout step alone (regions + ordering) on a page, after its one pass."""
    image = sample.image()
    prepared = prepare_page(image)
    dpi = source_dpi(image, prepared.colour)
    words = recognise(prepared.image, languages="vie", timeout=120).words
    start = time.process_time()
    regions = find_regions(
        np.asarray(prepared.colour), dpi=dpi, scale=prepared.image.width / prepared.colour.width
    )
    arrange(words, regions, prepared.image.width)
    return time.process_time() - start


def run(count: int, seed: int) -> tuple[list[Measurement], list[float]]:
    rows: list[Measurement] = []
    steps: list[float] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-layout-") as tmp:
        for index in range(count):
            page_seed = seed * 1000 + index
            two, one = admin_pages(pick(14, seed=page_seed), seed=page_seed)
            for name, page in ((TWO, two), (ONE, one)):
                scan = colour_scan(page, np.random.default_rng(page_seed))
                sample = dataclasses.replace(scan, condition=name)
                path = Path(tmp) / f"{name}-{index}{sample.suffix}"
                path.write_bytes(sample.data)
                for system in SYSTEMS if name == TWO else SYSTEMS[:2]:
                    row, _ = measure(system, sample, path, index)
                    rows.append(row)
                    print(
                        f"{name} page {index} {system.name:<16} "
                        f"CER {100 * row.char_errors / max(row.chars, 1):6.2f} %  "
                        f"CPU {row.cpu_seconds:6.2f} s",
                        file=sys.stderr,
                        flush=True,
                    )
                if name == TWO:
                    steps.append(step_seconds(sample))
    return rows, steps


def report(
    rows: list[Measurement], steps: list[float], command: str, about: str, seed: int = 1
) -> str:
    table = summarise(rows)
    two, one = table[TWO], table[ONE]
    page_cpu = two["sohoa"].cpu_seconds
    step = statistics.median(steps)
    gap = 100 * (two["sohoa"].cer - one["sohoa"].cer)
    lines = [
        f"## Layout: Decree 30/2020 papers, two columns against their one-column twin (seed {seed})",
        "",
        f"Made by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, sohoa at {revision()}.  ",
        f"Machine: {about}.  ",
        "Pages: `synth.admin` (two-column header and footer, blue signature under a red seal, "
        "DejaVu Serif/Sans, regular and condensed, 12–13 pt) scanned by "
        "`synth.degrade.colour_scan` (colour, 200 dpi, JPEG q 90); the twin has the same lines "
        "in one column. CER pooled over the pages as in the recognition benchmark; CPU s/page "
        "median.",
        "",
        "| pages | system | CER two columns | CER one column | CPU s/page |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, cell in two.items():
        twin = f"{100 * one[name].cer:.2f} %" if one[name].pages else "—"
        lines.append(
            f"| {cell.pages} | {name} | {100 * cell.cer:.2f} % | {twin} | {cell.cpu_seconds:.2f} |"
        )
    lines += [
        "",
        "| target | this run | limit | met? |",
        "| --- | --- | --- | --- |",
        f"| CER two columns − CER one column (sohoa) | {gap:.2f} points | ≤ 1.00 | "
        f"{'met' if gap <= 1.0 else 'NOT met'} |",
        f"| layout step: (page + step) / page, CPU | {(page_cpu + step) / page_cpu:.3f} "
        f"(step {1000 * step:.0f} ms) | ≤ 1.10 | "
        f"{'met' if step <= 0.10 * page_cpu else 'NOT met'} |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.layout", description=__doc__)
    parser.add_argument("--pages", type=int, default=4, help="papers (default 4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument(
        "--section", default="layout", help="the markers to write between (e.g. a held-out seed)"
    )
    args = parser.parse_args(argv)
    command = "python -m bench.layout " + shlex.join(argv if argv is not None else sys.argv[1:])
    about = machine()
    rows, steps = run(args.pages, args.seed)
    body = report(rows, steps, command.strip(), about, args.seed)
    write_section(args.out, args.section, body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
