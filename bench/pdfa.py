"""Size of sohoa's PDF/A against OCRmyPDF's default PDF/A output on the same pages.

    python -m bench.pdfa [--seed S] [--ocrmypdf PATH] [--write]

The pages are the recognition benchmark's conditions (`synth.degrade`) as their files come (PNG
or JPEG), plus the clean page as a JPEG scan and as a black-and-white TIFF. Each file goes
through sohoa (`recognise_document`, then `ocr.pdfa.write`) and through `ocrmypdf -l vie
--output-type pdfa-2` (its defaults otherwise: optimisation level 1). Both outputs are checked
with pikepdf's PDF/A validator (`ocr.pdfa.problems`). Sizes are not timings: a busy machine
changes nothing here.

OCRmyPDF is never a dependency of sohoa: install it in a separate virtual environment
(`python3 -m venv /work/wt/ocrmypdf-venv && /work/wt/ocrmypdf-venv/bin/pip install ocrmypdf`;
it needs Ghostscript on the PATH) and pass its `ocrmypdf` with `--ocrmypdf`, or have it on the
PATH. Without it the benchmark says so and exits 0.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from bench.report import write_section
from ocr.options import OcrOptions
from ocr.pdfa import Metadata, problems, write
from ocr.pipeline import recognise_document
from synth.corpus import pick
from synth.degrade import degrade
from synth.render import render_page

DOCS = Path(__file__).parents[1] / "docs" / "benchmarks.md"
CONDITIONS = ("clean_300", "skewed_scan", "dpi_150", "fax_100", "seal_signature", "phone_photo")
PHOTO_DPI = 200
"""What OCRmyPDF is told of a photo's resolution (it refuses an image that states none)."""


@dataclass(frozen=True)
class Sample:
    name: str
    data: bytes
    suffix: str
    dpi: int | None


@dataclass(frozen=True)
class Row:
    sample: Sample
    sohoa: int
    ocrmypdf: int | None
    sohoa_pdfa: bool
    ocrmypdf_pdfa: bool | None


def samples(seed: int) -> list[Sample]:
    page = render_page(pick(3, seed=seed), title="QUYẾT ĐỊNH")
    found = [
        Sample(name, scan.data, scan.suffix, scan.dpi)
        for name in CONDITIONS
        for scan in [degrade(page, name, seed)]
    ]
    clean = degrade(page, "clean_300", seed).image()
    jpeg, tiff = io.BytesIO(), io.BytesIO()
    clean.convert("RGB").save(jpeg, "JPEG", quality=90, dpi=(300, 300))
    bits = clean.convert("L").point(lambda v: 255 if v > 160 else 0).convert("1")
    bits.save(tiff, "TIFF", compression="group4", dpi=(300, 300))
    found.append(Sample("clean_300 as JPEG q90", jpeg.getvalue(), ".jpg", 300))
    found.append(Sample("clean_300 as 1-bit TIFF", tiff.getvalue(), ".tif", 300))
    return found


def ours(sample: Sample) -> bytes:
    result = recognise_document(sample.data, OcrOptions())
    return write([p.pdf for p in result.pages if p.pdf is not None], Metadata(title=sample.name))


def theirs(ocrmypdf: str, sample: Sample, folder: Path) -> bytes:
    source = folder / f"in{sample.suffix}"
    target = folder / "out.pdf"
    source.write_bytes(sample.data)
    command = [ocrmypdf, "-q", "-l", "vie", "--output-type", "pdfa-2"]
    with Image.open(io.BytesIO(sample.data)) as image:
        if "dpi" not in image.info:
            command += ["--image-dpi", str(PHOTO_DPI)]
    subprocess.run([*command, str(source), str(target)], check=True, capture_output=True)
    return target.read_bytes()


def measure(ocrmypdf: str, seed: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-pdfa-") as folder:
        for sample in samples(seed):
            mine = ours(sample)
            other = theirs(ocrmypdf, sample, Path(folder))
            rows.append(Row(sample, len(mine), len(other), not problems(mine), not problems(other)))
            print(f"{sample.name}: sohoa {len(mine)} B, OCRmyPDF {len(other)} B", file=sys.stderr)
    return rows


def markdown(rows: list[Row], seed: int, version: str) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    lines = [
        "## PDF/A size: sohoa against OCRmyPDF (`bench/pdfa.py`)",
        "",
        f"Made by `python -m bench.pdfa --seed {seed} --ocrmypdf "
        f"/work/wt/ocrmypdf-venv/bin/ocrmypdf --write` on {datetime.now(UTC):%Y-%m-%d} at "
        f"commit {commit}, against {version} (`-l vie --output-type pdfa-2`, its defaults "
        "otherwise), in its own virtual environment. One page each: the benchmark conditions' "
        "files as they come, and the clean page as a JPEG scan and as a 1-bit G4 TIFF. "
        "PDF/A: approved by pikepdf's validator (`pikepdf.pdfa`).",
        "",
        "| page | input | sohoa, KB | OCRmyPDF, KB | sohoa / OCRmyPDF | PDF/A (sohoa, OCRmyPDF) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = row.sohoa / row.ocrmypdf if row.ocrmypdf else float("nan")
        lines.append(
            f"| {row.sample.name} | {row.sample.suffix[1:]}, {len(row.sample.data) // 1024} KB "
            f"| {row.sohoa // 1024} | {(row.ocrmypdf or 0) // 1024} | {ratio:.3f} "
            f"| {_yes(row.sohoa_pdfa)}, {_yes(row.ocrmypdf_pdfa)} |"
        )
    total = sum(r.sohoa for r in rows) / max(sum(r.ocrmypdf or 0 for r in rows), 1)
    lines += ["", f"All pages: sohoa's PDFs are {total:.2f}× OCRmyPDF's in bytes."]
    return "\n".join(lines)


def _yes(value: bool | None) -> str:
    return "–" if value is None else ("yes" if value else "no")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ocrmypdf", default=shutil.which("ocrmypdf"))
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not args.ocrmypdf or not Path(args.ocrmypdf).exists():
        print(
            "OCRmyPDF not found: install it in a separate virtual environment "
            "(see bench/pdfa.py) and pass --ocrmypdf PATH; nothing measured."
        )
        return
    version = subprocess.run(
        [args.ocrmypdf, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    body = markdown(measure(args.ocrmypdf, args.seed), args.seed, f"OCRmyPDF {version}")
    print(body)
    if args.write:
        write_section(DOCS, "pdfa", body)


if __name__ == "__main__":
    main()
