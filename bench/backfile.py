"""Backfile throughput: pages/min with 1 and 2 local workers and 2 Celery workers, as ratios.

Generates N Vietnamese A4 pages (200 dpi PNG by default, one file each, 10 per dossier), then
times:
  plain    `tesseract FILE stdout -l vie` file by file (one thread, like our workers)
  local-1  `run_backfile` with the local pool of 1 process (intake, OCR, catalog, objects)
  local-2  the same with 2 processes
  celery-2 the same through Redis to 2 `sohoa worker --pool solo` processes (started first)
Each of ours runs on a fresh catalog. Ratios are taken within one run: the machine's load
moves absolute times, not (as much) their ratios. Load averages are printed with the figures,
and CPU seconds per page (this process and its reaped children: pool processes, Tesseract;
for celery-2 the workers' start-up too), which a shared machine's load hardly moves.

  nice .venv/bin/python -m bench.backfile --pages 200

Why 200 dpi: it is the least Decree 30/2020 accepts for a digitized copy, so it is what an
archive team must scan at. Runs before 2026-11-22 used 150 dpi pages (`--dpi 150`), on which
plain Tesseract takes ~0.5 s and our fixed per-page work (preprocessing, outputs, catalog)
weighs more than on any page a backfile may legally keep.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from models.auth import Actor, Role
from services import auth
from services.backfile import run_backfile
from services.backfile.manifest import read_manifest
from services.backfile.runners import CeleryQueue, LocalPool, Runner
from services.context import Context
from services.settings import Settings
from storage.sources import LocalFolder
from synth.corpus import pick
from synth.render import render_page

AGENCY = "000.00.01.H29"
REDIS = "redis://127.0.0.1:6379/0"


def make_pages(root: Path, pages: int, dpi: int = 200) -> Path:
    shelf = root / "shelf"
    rows = []
    for number in range(pages):
        dossier = number // 10 + 1
        path = shelf / f"hop-{dossier:03d}" / f"trang-{number % 10:02d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        render_page(pick(3, seed=number), dpi=dpi).image.save(path, dpi=(dpi, dpi))
        rows.append(
            [
                path.relative_to(shelf).as_posix(),
                f"{AGENCY}-240115-{dossier:04d}",
                "1.001193",
                f"Người nộp {dossier}",
                "079193002341",
                "",
            ]
        )
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ["file", "dossier_code", "procedure_code", "applicant_name", "applicant_id", "kind"]
        )
        writer.writerows(rows)
    return manifest


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has reaped (their children included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def free_cores(seconds: float = 2.0) -> float:
    """Cores this machine gives us right now: CPU time two busy processes get per wall second.

    On a shared machine this caps any speed-up from 1 to 2 workers; printed with the figures.
    """
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_spin, args=(seconds,)) for _ in range(os.cpu_count() or 1)]
    before, started = cpu_seconds(), time.perf_counter()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return (cpu_seconds() - before) / (time.perf_counter() - started)


def plain_tesseract(shelf: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.perf_counter()
    for path in sorted(shelf.rglob("*.png")):
        subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "vie"],
            env=env,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - started


def ours(root: Path, manifest: Path, name: str, runner_for: str, workers: int) -> float:
    settings = Settings(
        data_dir=root / name,
        workers=workers,
        queue_url=REDIS if runner_for == "celery" else None,
        queue_name=f"sohoa-bench-{uuid.uuid4().hex[:8]}",
    )
    ctx = Context.open(settings)
    principal, _ = auth.add_user(ctx, "luutru", Role.ARCHIVIST, AGENCY, "bench-password-1")
    source = LocalFolder(root / "shelf")
    rows = read_manifest(manifest.read_text(encoding="utf-8"), source, AGENCY)
    procs: list[subprocess.Popen[bytes]] = []
    if runner_for == "celery":
        procs = start_workers(settings, workers)
    runner: Runner = CeleryQueue(settings) if runner_for == "celery" else LocalPool(ctx, workers)
    started = time.perf_counter()
    outcome = run_backfile(
        ctx,
        Actor(principal),
        source,
        rows,
        files=len(rows),
        runner=runner,
        local=runner_for == "local",
    )
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=60)
    while multiprocessing.active_children():  # reap the pool: its CPU time counts once reaped
        time.sleep(0.05)
    ctx.close()
    finished = outcome.tally.done + outcome.tally.needs_review
    if finished != len(rows):
        sys.exit(f"{name}: only {finished}/{len(rows)} finished ({outcome.tally})")
    return elapsed


def start_workers(settings: Settings, count: int) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(settings.data_dir),
        "SOHOA_QUEUE_URL": str(settings.queue_url),
        "SOHOA_QUEUE_NAME": settings.queue_name,
    }
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
    ]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]
    # time the work, not the workers' start-up: wait until every worker answers a ping
    from services.queue import celery_app

    app = celery_app(settings)
    host = socket.gethostname()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if sum(1 for r in replies for n in r if n.endswith(f"@{host}")) >= count:
            break
    app.close()
    return procs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the pages (200)")
    parser.add_argument("--skip-celery", action="store_true")
    args = parser.parse_args()

    runs: list[tuple[str, str | None, int]] = [
        ("plain", None, 0),
        ("local-1", "local", 1),
        ("local-2", "local", 2),
    ]
    if not args.skip_celery:
        runs.append(("celery-2", "celery", 2))
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        root = Path(tmp)
        manifest = make_pages(root, args.pages, args.dpi)
        load_before, cores_before = os.getloadavg(), free_cores()
        for name, kind, workers in runs:
            before = cpu_seconds()
            if kind is None:
                times[name] = plain_tesseract(root / "shelf")
            else:
                times[name] = ours(root, manifest, name, kind, workers)
            cpu[name] = cpu_seconds() - before
        load_after, cores_after = os.getloadavg(), free_cores()

    pages = args.pages
    print(
        f"{pages} pages at {args.dpi} dpi, {os.cpu_count()} cores; load average before {load_before[0]:.1f}, "
        f"after {load_after[0]:.1f} (1 min); cores free for us before {cores_before:.2f}, "
        f"after {cores_after:.2f}"
    )
    print(
        "| run | seconds | pages/min | s/page | time/page vs plain | speed-up vs local-1 "
        "| CPU s/page | CPU vs plain |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, seconds in times.items():
        speed_up = f"{times['local-1'] / seconds:.2f}×" if name != "plain" else "—"
        print(
            f"| {name} | {seconds:.1f} | {60 * pages / seconds:.1f} | {seconds / pages:.2f} | "
            f"{seconds / times['plain']:.2f}× | {speed_up} | {cpu[name] / pages:.2f} | "
            f"{cpu[name] / cpu['plain']:.2f}× |"
        )
    load = [load_before, load_after]
    free = [cores_before, cores_after]
    print(json.dumps({"pages": pages, "seconds": times, "cpu": cpu, "load": load, "free": free}))


if __name__ == "__main__":
    main()
