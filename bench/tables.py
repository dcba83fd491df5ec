"""Write a set of generated ruled forms and annex tables for `bench.outside` to read.

    python -m bench.tables DIR [--forms N] [--annexes N] [--seed S]
    python -m bench.outside --set DIR --no-write --keep /tmp/run

Each page (`synth.tables`) is scanned in colour at 200 dpi, the digitisation minimum of Decree
30/2020 (`synth.degrade.colour_scan`), and written as `<name>.png` (the JPEG's pixels, so the
file says its 200 dpi) with its truth `<name>.gt.txt` beside it, read row by row and each row
cell by cell. `bench.outside` then scores plain Tesseract and sohoa on it in one run, as on the
outside sets; the set is ours, so its figures say what the table reader does, not that it holds
on pages we did not make.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from synth.degrade import colour_scan
from synth.tables import TablePage, ruled_annex, ruled_form

DPI = 200


def write_set(folder: Path, *, forms: int, annexes: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pages: list[tuple[str, TablePage]] = [
        (f"form_{k}", ruled_form(seed * 1000 + k)) for k in range(forms)
    ]
    pages += [(f"annex_{k}", ruled_annex(seed * 1000 + k)) for k in range(annexes)]
    written = []
    for index, (name, page) in enumerate(pages):
        scan = colour_scan(page, np.random.default_rng(seed * 1000 + index), dpi=DPI)
        with Image.open(io.BytesIO(scan.data)) as image:
            image.save(folder / f"{name}.png", dpi=(DPI, DPI))
        (folder / f"{name}.gt.txt").write_text(page.text + "\n", encoding="utf-8")
        written.append(folder / f"{name}.png")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tables", description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--forms", type=int, default=8)
    parser.add_argument("--annexes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for path in write_set(args.folder, forms=args.forms, annexes=args.annexes, seed=args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
