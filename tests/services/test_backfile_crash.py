"""Local mode survives being killed: SIGKILL `sohoa backfile` at random points, rerun, compare.

The catalog after crashes and a final rerun must equal the catalog of one clean run: the same
dossiers, one document per file, the same statuses and text; no duplicate, nothing missing.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.services.shelf import add_archivist, make_shelf, sohoa

FILES = (3, 3)  # dossiers, files per dossier


def start(
    data_dir: Path, root: Path, manifest: Path, *, wait: bool = False
) -> subprocess.Popen[bytes]:
    # a document a kill interrupts counts an attempt; four kills must not exhaust them
    command, env = sohoa(data_dir, SOHOA_MAX_ATTEMPTS="8")
    return subprocess.Popen(
        [
            *command,
            "backfile",
            str(root / "shelf"),
            "--manifest",
            str(manifest),
            "--as",
            "luutru",
            "--report",
            str(data_dir / "failures.csv"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE if wait else subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill takes the pool with it
    )


def finished(data_dir: Path) -> int:
    """Documents recognised so far (read-only: the backfile under test owns the catalog)."""
    path = data_dir / "catalog.sqlite3"
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = connection.execute(
                "SELECT count(*) FROM documents WHERE status IN ('done', 'needs_review', 'failed')"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError:  # not created, or not migrated yet
        return 0
    return int(row[0])


def catalog(data_dir: Path) -> list[tuple[object, ...]]:
    """What a run leaves, without ids or times (which differ between runs by design)."""
    engine = create_engine(f"sqlite:///{data_dir / 'catalog.sqlite3'}")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT d.code, d.status, doc.filename, doc.sha256, doc.status, "
                "group_concat(p.text, '|'), i.status, i.line "
                "FROM dossiers d JOIN dossier_documents l ON l.dossier_id = d.id "
                "JOIN documents doc ON doc.id = l.document_id "
                "LEFT JOIN pages p ON p.document_id = doc.id "
                "LEFT JOIN backfile_items i ON i.document_id = doc.id "
                "GROUP BY d.code, doc.id ORDER BY d.code, doc.filename"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_killed_at_random_points_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    manifest = make_shelf(tmp_path, dossiers=FILES[0], files_per_dossier=FILES[1], corrupt=1)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    for data_dir in (clean, crashed):
        add_archivist(data_dir)

    clean_run = start(clean, tmp_path, manifest, wait=True)
    _, err = clean_run.communicate(timeout=300)
    assert clean_run.returncode == 1, err.decode()  # one corrupt file: exit 1 with a report
    expected = catalog(clean)
    assert len(expected) == FILES[0] * FILES[1] - 1
    assert all(row[4] in ("done", "needs_review") and row[5] for row in expected)

    chance = random.Random(int(os.environ.get("SOHOA_CRASH_SEED", "8")))
    total, kills = len(expected), 0
    for _ in range(4):
        before = finished(crashed)
        if before >= total:
            break
        # kill once this many more documents are finished (0: during start-up and intake),
        # then a little later: in the middle of the next file's intake or recognition
        target = before + chance.randint(0, total - before - 1)
        process = start(crashed, tmp_path, manifest)
        deadline = time.monotonic() + 120
        while process.poll() is None and finished(crashed) < target:
            assert time.monotonic() < deadline, "the backfile made no progress"
            time.sleep(0.02)
        time.sleep(chance.uniform(0.0, 0.6))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
    assert kills >= 2, "the runs ended before they could be killed: the test proves nothing"

    rerun = start(crashed, tmp_path, manifest, wait=True)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 1, err.decode()

    assert catalog(crashed) == expected
    assert (crashed / "failures.csv").read_text() == (clean / "failures.csv").read_text()
