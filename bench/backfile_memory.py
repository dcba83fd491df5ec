"""Backfile memory: RSS of the backfile process during a run over N files and over 8×N files.

Bounded memory means the larger source costs (nearly) the same: files are listed lazily, read
one at a time, and at most a window of documents is in the workers' hands. The workers' own
memory is per document and does not depend on the source. Small generated pages keep OCR cheap.

  nice .venv/bin/python -m bench.backfile_memory --files 40
  nice .venv/bin/python -m bench.backfile_memory --manifest-rows 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.services.shelf import make_shelf


def child(files: int, root: Path) -> None:
    """Run one backfile in this process, then print this process's peak RSS in MiB."""
    from models.auth import Actor, Role
    from services import auth
    from services.backfile import run_backfile
    from services.backfile.manifest import read_manifest
    from services.backfile.runners import LocalPool
    from services.context import Context
    from services.settings import Settings
    from storage.sources import LocalFolder

    manifest = make_shelf(root, dossiers=files // 10, files_per_dossier=10)
    ctx = Context.open(Settings(data_dir=root / "data", workers=2))
    principal, _ = auth.add_user(ctx, "luutru", Role.ARCHIVIST, "000.00.01.H29", "bench-pass-1")
    source = LocalFolder(root / "shelf")
    before = rss_mib()
    peak = [before]
    done = threading.Event()

    def sample() -> None:  # ru_maxrss would report the import-time peak, not the run's
        while not done.wait(0.02):
            peak[0] = max(peak[0], rss_mib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rows = read_manifest(manifest.read_text(encoding="utf-8"), source, "000.00.01.H29")
    outcome = run_backfile(
        ctx, Actor(principal), source, rows, files=len(rows), runner=LocalPool(ctx, 2)
    )
    done.set()
    sampler.join()
    assert outcome.tally.done + outcome.tally.needs_review == files, outcome.tally
    print(json.dumps({"files": files, "rss_before_mib": before, "peak_rss_mib": peak[0]}))


def rss_mib() -> float:
    """Resident memory of this process now (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def manifest_memory(count: int) -> None:
    """What a validated manifest of `count` rows holds (the one part that grows with a source)."""
    import tracemalloc

    from services.backfile.manifest import read_manifest
    from storage.sources import SourceFile

    def path(i: int) -> str:
        return f"kho/1998/hop-{i // 10:05d}/trang-{i % 10:02d}.tif"

    class Listing:  # the presence check only lists the source
        name = "listing"

        def files(self) -> Iterator[SourceFile]:
            return (SourceFile(path(i), 1000) for i in range(count))

        def read(self, path: str, max_bytes: int) -> bytes:
            raise NotImplementedError

    lines = ["file,dossier_code,procedure_code,applicant_name,applicant_id,kind"]
    lines += [
        f"{path(i)},000.00.01.H29-{980101 + i // 100_000}-{(i // 10) % 10_000:04d},1.001193,"
        "Nguyễn Văn An,079193002341,birth_certificate"
        for i in range(count)
    ]
    text = "\n".join(lines) + "\n"
    tracemalloc.start()
    rows = read_manifest(text, Listing(), "000.00.01.H29")
    held, peak = tracemalloc.get_traced_memory()
    print(
        f"{len(rows)} manifest rows: held {held / 2**20:.1f} MiB ({held / len(rows):.0f} B/row), "
        f"peak while validating {peak / 2**20:.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--manifest-rows", type=int, help="measure a manifest of N rows instead")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.files, args.root)
        return
    if args.manifest_rows:
        manifest_memory(args.manifest_rows)
        return
    results = []
    for files in (args.files, 8 * args.files):
        with tempfile.TemporaryDirectory(prefix="sohoa-mem-") as tmp:
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--files", str(files), "--root", tmp],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    print("| files | RSS at start (MiB) | peak RSS during the run (MiB) | growth in the run |")
    print("| --- | --- | --- | --- |")
    for r in results:
        growth = r["peak_rss_mib"] - r["rss_before_mib"]
        print(
            f"| {r['files']} | {r['rss_before_mib']:.0f} | {r['peak_rss_mib']:.0f} "
            f"| {growth:.1f} MiB |"
        )


if __name__ == "__main__":
    main()
