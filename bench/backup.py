"""Backup and restore of a service with N papers (default 10,000): is a restore at most twice
the backup's time? Synthetic catalog rows (bench/storage_catalog.py) and a small original of
each paper in the local folder store; SQLite, and PostgreSQL when a server answers.

    nice .venv/bin/python -m bench.backup [--documents N] [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.report import write_section
from bench.storage import table
from bench.storage_catalog import fill_catalog, postgres_database
from services.backup import backup, restore
from services.context import Context
from services.settings import Settings
from services.verify_store import verify_store
from storage.catalog.database import make_engine
from storage.keys import original_key
from storage.local import LocalObjectStore

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def original(i: int) -> bytes:
    """A small, distinct 'scan' (4 kB): the object count, not the bytes, is what costs here."""
    return hashlib.sha256(str(i).encode()).digest() * 128


def sha_of(i: int) -> str:
    return hashlib.sha256(original(i)).hexdigest()


def cpu() -> float:
    """CPU seconds of this process and its finished children (pg_dump, pg_restore)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(step: Callable[[], object]) -> tuple[float, float]:
    wall, busy = time.perf_counter(), cpu()
    step()
    return time.perf_counter() - wall, cpu() - busy


def wipe(settings: Settings) -> None:
    if settings.database_url:  # the same empty database a new machine would have
        engine = make_engine(settings.database_url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    shutil.rmtree(settings.data_dir)


def run(name: str, settings: Settings, documents: int, folder: Path) -> dict[str, object]:
    fill_catalog(settings.catalog_url, documents, sha_of)
    store = LocalObjectStore(settings.objects_root)
    for i in range(documents):
        data = original(i)
        store.put(original_key(sha_of(i)), data, content_type="image/jpeg")
    ctx = Context.open(settings)
    try:
        backup_wall, backup_cpu = timed(lambda: backup(ctx, folder))
        again_wall, _ = timed(lambda: backup(ctx, folder))
    finally:
        ctx.close()
    wipe(settings)
    restore_wall, restore_cpu = timed(lambda: restore(settings, folder))
    ctx = Context.open(settings)
    try:
        check = verify_store(ctx)
        assert check.sound and check.checked == documents, check
    finally:
        ctx.close()
    return {
        "catalog + store": name,
        "backup s": round(backup_wall, 1),
        "backup CPU s": round(backup_cpu, 1),
        "second backup s": round(again_wall, 1),
        "restore s": round(restore_wall, 1),
        "restore CPU s": round(restore_cpu, 1),
        "restore / backup (wall)": f"{restore_wall / backup_wall:.2f}×",
        "restore / backup (CPU)": f"{restore_cpu / backup_cpu:.2f}×",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    rows = []
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        settings = Settings(data_dir=base / "sqlite", workers=0)
        rows.append(run("SQLite + local folder", settings, args.documents, base / "b-sqlite"))
        print(rows[-1], file=sys.stderr)
        with postgres_database() as url:
            if url:
                settings = Settings(data_dir=base / "pg", database_url=url, workers=0)
                rows.append(
                    run("PostgreSQL + local folder", settings, args.documents, base / "b-pg")
                )
                print(rows[-1], file=sys.stderr)
    load = max(load, os.getloadavg())
    worst = max(float(str(r["restore / backup (CPU)"]).rstrip("×")) for r in rows)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    command = "nice .venv/bin/python -m bench.backup" + (
        f" --documents {args.documents}" if args.documents != 10_000 else ""
    )
    section = f"""## Backup and restore: {args.documents:,} papers (`bench/backup.py`)

Made by `{command}` on {datetime.now(UTC):%Y-%m-%d}, commit {commit}, {platform.machine()},
{os.cpu_count()} cores shared with other work (load average up to {load[0]:.1f} / {load[1]:.1f}
/ {load[2]:.1f} over 1 / 5 / 15 min during the run), Python {platform.python_version()}.

Each paper is a synthetic catalog row (dossiers of five, their links and jobs) and a 4 kB
original in the local folder store: the object count is what costs, one durable write (fsync'd
file, sidecar and folder) per object on each side. "backup" is `sohoa backup` into a new
folder; "second backup" the same again (nothing new: no object is copied); "restore" is
`sohoa restore` of that folder into the wiped service (completeness check, every object copied
and verified, the catalog loaded, migrations run). CPU includes pg_dump and pg_restore.

{table(rows)}

Target: restore ≤ {TARGET:.0f}× the backup's time. Worst CPU ratio in this run: {worst:.2f}×
({"met" if worst <= TARGET else "NOT met"}). Both were measured one after the other in the same
run; wall seconds on a shared machine are noisier than the CPU ones.
"""
    print(section)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", "backup", section)


if __name__ == "__main__":
    main()
