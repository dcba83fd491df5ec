"""Scrape benchmark: `GET /metrics` of a real `sohoa serve` whose catalog holds 10 000 documents
(cheap synthetic rows: dossiers of five, 1 % queued) and a backfile of as many files.

The scrape asks the catalog for the queue's depth, its oldest document and the backfiles' files
at every call (services/metrics.py); the clock runs from the request to the last byte, over HTTP
with keep-alive, as Prometheus scrapes. Also timed: the same scrape rendered in-process (no
HTTP), to show how much is the catalog's. On SQLite, and on PostgreSQL when one is reachable.

    python -m bench.metrics [--documents 10000] [--scrapes 300] [--write]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import insert

from bench.report import write_section
from bench.storage_catalog import fill_catalog, percentiles, postgres_database
from services.context import Context
from services.settings import Settings
from storage.catalog.database import make_engine
from storage.catalog.tables import BackfileItemRow, utcnow

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TOKEN = "bench-scrape-token-0123456789"
TARGET_MS = 20.0


def fill_backfile(url: str, files: int) -> None:
    """A finished backfile of `files` files, a few still pending or failed."""
    engine = make_engine(url)
    now = utcnow()
    statuses = ("done",) * 96 + ("needs_review",) * 2 + ("pending", "failed")
    rows = [
        {
            "source": "/kho/phong-1",
            "path": f"hop-{i // 100:03d}/trang-{i % 100:02d}.jpg",
            "dossier_code": f"000.00.01.H29-240101-{i // 5 % 9999 + 1:04d}-{i // 5}",
            "line": i + 2,
            "status": statuses[i % len(statuses)],
            "attempts": 1,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(files)
    ]
    with engine.begin() as connection:
        connection.execute(insert(BackfileItemRow), rows)
    engine.dispose()


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (Linux /proc), its threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve(url: str, data_dir: Path) -> Iterator[tuple[str, int]]:
    """`sohoa serve` in its own process, recognising nothing (0 workers), metrics on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "SOHOA_DATABASE_URL": url,
        "SOHOA_DATA_DIR": str(data_dir),
        "SOHOA_PORT": str(port),
        "SOHOA_WORKERS": "0",
        "SOHOA_METRICS_TOKEN": TOKEN,
        "SOHOA_LOG_LEVEL": "WARNING",
    }
    env.pop("SOHOA_QUEUE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("sohoa serve did not start")
            time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)


def warm(base: str) -> None:
    """Give the registry the series a working day leaves: routes, statuses, latency buckets."""
    with httpx2.Client(base_url=base) as client:
        for n in range(40):
            client.get("/healthz")
            client.get(f"/api/v1/documents/{n:032x}")  # 401: no token
            client.get("/api/v1/search", params={"q": "khai sinh"})
            client.post("/api/v1/auth/token", data={"username": "x", "password": "y"})
            client.get(f"/api/v1/dossiers/000.00.01.H29-240101-{n:04d}")
            client.get("/nothing-here")


def scrape_ms(base: str, pid: int, scrapes: int) -> tuple[list[float], float, int]:
    """Each scrape's time at the client, the server's CPU per scrape (ms) and the body's size."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    samples = []
    with httpx2.Client(base_url=base, headers=headers) as client:
        size = len(client.get("/metrics").content)
        cpu = cpu_seconds(pid)
        for _ in range(scrapes):
            began = time.perf_counter()
            response = client.get("/metrics")
            response.read()
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        cpu = cpu_seconds(pid) - cpu
    return samples, cpu * 1000 / scrapes, size


def render_ms(url: str, data_dir: Path, scrapes: int) -> tuple[list[float], float]:
    """Each in-process render's time, and this process's CPU per render (ms)."""
    ctx = Context.open(Settings(database_url=url, data_dir=data_dir, workers=0))
    try:
        ctx.metrics.render()
        samples = []
        cpu = time.process_time()
        for _ in range(scrapes):
            began = time.perf_counter()
            ctx.metrics.render()
            samples.append((time.perf_counter() - began) * 1000)
        cpu = time.process_time() - cpu
    finally:
        ctx.close()
    return samples, cpu * 1000 / scrapes


def measure(engine: str, url: str, data_dir: Path, documents: int, scrapes: int) -> str:
    fill_catalog(url, documents)
    fill_backfile(url, documents)
    in_process, render_cpu = render_ms(url, data_dir, scrapes)
    with serve(url, data_dir) as (base, pid):
        warm(base)
        over_http, server_cpu, size = scrape_ms(base, pid, scrapes)
    p50, p95 = percentiles(over_http)
    r50, _ = percentiles(in_process)
    verdict = "met" if p50 <= TARGET_MS else "NOT met"
    return (
        f"| {engine} | {p50:.1f} | {p95:.1f} | {min(over_http):.1f} | {server_cpu:.1f} "
        f"| {r50:.1f} | {render_cpu:.1f} | {size / 1024:.0f} | {verdict} |"
    )


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        sqlite = f"sqlite:///{data_dir / 'catalog.sqlite3'}"
        rows.append(measure("sqlite", sqlite, data_dir, args.documents, args.scrapes))
        with postgres_database() as url:
            if url is not None:
                rows.append(measure("postgresql", url, data_dir, args.documents, args.scrapes))
    load = os.getloadavg()[0]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(
        [
            f"## Metrics scrape at {args.documents:,} documents (`bench/metrics.py`)",
            "",
            f"Made by `python -m bench.metrics --documents {args.documents} --scrapes "
            f"{args.scrapes}` on {now} at commit {commit()}, {os.cpu_count()} cores, load "
            f"average {load:.1f} at the end. A real `sohoa serve` (0 workers) over HTTP with "
            f"keep-alive; its catalog holds {args.documents:,} documents (1 % queued) and a "
            f"backfile of {args.documents:,} files; the registry holds the series of ~240 "
            "requests on six routes. Each scrape asks the catalog for the queue's depth, its "
            "oldest document and the backfile's files (one statement). Target: median ≤ 20 ms.",
            "",
            "| catalog | scrape p50 ms | p95 ms | best ms | server CPU ms/scrape "
            "| rendered in-process p50 ms | its CPU ms | body KiB | target (p50) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"{args.scrapes} scrapes each, one after another, after one unmeasured. Server "
            "CPU: the `sohoa serve` process's user+system time over the scrapes, divided by "
            "their number (PostgreSQL's own backend is not in it). In-process: "
            "`ctx.metrics.render()` alone (the catalog's one statement and the text), no HTTP. "
            "On a busy machine the wall-clock medians carry the wait for a core; the CPU "
            "columns are what a scrape costs.",
        ]
    )
    print(body)
    if args.write:
        write_section(DOCS, "metrics", body)


if __name__ == "__main__":
    main()
