"""bench/pdfa.py without OCRmyPDF: says so and measures nothing (exit 0); its pages are what it
says they are."""

from __future__ import annotations

import subprocess
import sys

from bench.pdfa import CONDITIONS, samples


def test_without_ocrmypdf_the_bench_says_so_and_exits_0() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench.pdfa", "--ocrmypdf", "/nonexistent/ocrmypdf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "OCRmyPDF not found" in run.stdout


def test_the_pages_are_every_condition_and_a_jpeg_and_a_1_bit_tiff() -> None:
    found = samples(1)
    assert [s.name for s in found[: len(CONDITIONS)]] == list(CONDITIONS)
    assert [s.suffix for s in found[len(CONDITIONS) :]] == [".jpg", ".tif"]
