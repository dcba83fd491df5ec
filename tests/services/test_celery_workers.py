"""Two Celery workers on the real Redis (and RabbitMQ) process a backfile; one is SIGKILLed mid-run.

Each test uses its own queue name and catalog, so it never meets another run's messages.
Every file must end up done, as exactly one document, whatever the kill interrupted.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.services.shelf import add_archivist, make_shelf, sohoa

# Celery workers of two tests must not meet: on a shared broker (one vhost, one Redis db) a
# `worker --ping` is answered by any worker, and a short visibility timeout sweeps back
# every worker's unacknowledged tasks. Under `./dev test` they run one after another.
pytestmark = pytest.mark.xdist_group("celery-workers")

REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
BROKERS = {
    "redis": (REDIS, f"redis://{REDIS[0]}:{REDIS[1]}/0"),
    "rabbitmq": (RABBITMQ, f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}//"),
}
VISIBILITY = 8  # seconds: a killed worker's task comes back this fast (production: an hour)
LEASE = 12  # seconds: its document is taken over this fast (production: two minutes)


def listening(address: tuple[str, int]) -> bool:
    try:
        socket.create_connection(address, timeout=1).close()
    except OSError:
        return False
    return True


def redis_up() -> bool:
    return listening(REDIS)


def query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    if not (data_dir / "catalog.sqlite3").exists():
        return []
    engine = create_engine(f"sqlite:///{data_dir / 'catalog.sqlite3'}")
    with engine.connect() as connection:
        rows = connection.execute(text(sql)).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def states(data_dir: Path) -> list[tuple[str, str, int]]:
    rows = query(data_dir, "SELECT filename, status, attempts FROM documents ORDER BY filename")
    return [(str(r[0]), str(r[1]), int(str(r[2]))) for r in rows]


def holders(data_dir: Path) -> list[str]:
    """The lease owners of the papers being processed now."""
    rows = query(data_dir, "SELECT lease_owner FROM documents WHERE status = 'processing'")
    return [str(r[0]) for r in rows if r[0]]


def logs_of(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
        for log in sorted(tmp_path.glob("worker-*.log"))
    )


def wait_ready(tmp_path: Path, workers: list[subprocess.Popen[bytes]]) -> None:
    """Until every worker has logged Celery's "ready." (its consumer is on the queue)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        texts = [
            (tmp_path / f"worker-{n}.log").read_text(errors="replace")
            for n in range(1, len(workers) + 1)
        ]
        if all(" ready." in t for t in texts):
            return
        if any(w.poll() is not None for w in workers):
            break
        time.sleep(0.1)
    pytest.fail(f"the workers did not start:\n{logs_of(tmp_path)}")


FILES = 24


def test_a_worker_killed_mid_run_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, broker: tuple[str, str]
) -> None:
    # Enough papers that both workers are busy for a while: with Tesseract in-process a page
    # takes a fraction of a second, and twelve papers were all done before the poll saw two
    # held at once.
    manifest = make_shelf(tmp_path, dossiers=FILES // 3, files_per_dossier=3)
    data_dir = tmp_path / "data"
    add_archivist(data_dir)
    queue = {
        "SOHOA_QUEUE_URL": broker[0],
        "SOHOA_QUEUE_NAME": broker[1],
        "SOHOA_QUEUE_VISIBILITY_TIMEOUT": str(VISIBILITY),
        # the killed worker's lease ends soon, and outlasts the visibility timeout: a task waiting
        # for it must not be delivered again meanwhile (services/tasks.py, busy_countdown)
        "SOHOA_LEASE_SECONDS": str(LEASE),
    }
    command, env = sohoa(data_dir, **queue)
    logs = [(tmp_path / f"worker-{n}.log").open("wb") for n in (1, 2)]
    workers = [
        subprocess.Popen(
            [*command, "worker", "--pool", "solo", "--loglevel", "INFO"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for log in logs
    ]
    # Both workers must be taking tasks before any is sent: on a loaded machine one worker's
    # start (imports, broker connection) took longer than the other needed for all 24 papers,
    # and the run never had two papers held at once (CI, 2026-12-03).
    wait_ready(tmp_path, workers)
    backfile = subprocess.Popen(
        [
            *command,
            "backfile",
            str(tmp_path / "shelf"),
            "--manifest",
            str(manifest),
            "--as",
            "luutru",
            "--report",
            str(tmp_path / "failures.csv"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # kill the first worker while it holds a document: its lease names its process
        # (services/leases.py: replica/pid/nonce)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if f"/{workers[0].pid}/" in " ".join(holders(data_dir)):
                break
            time.sleep(0.02)
        else:
            pytest.fail(
                f"the first worker never held a paper: {states(data_dir)}\n{logs_of(tmp_path)}"
            )
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)

        _out, err = backfile.communicate(timeout=240)
        # the compose healthcheck: the surviving worker answers a ping
        ping = subprocess.run([*command, "worker", "--ping"], env=env, timeout=60, check=False)
        assert ping.returncode == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        for log in logs:
            log.close()
        if backfile.poll() is None:
            backfile.kill()
        for pipe in (backfile.stdout, backfile.stderr):
            if pipe is not None:  # closed here, not by the next test's collector (a failed run
                pipe.close()  # left them open and the next test errored on ResourceWarning)
        backfile.wait()

    assert backfile.returncode == 0, err.decode()
    final = states(data_dir)
    assert len(final) == FILES  # one document per file: nothing duplicated
    assert all(status in ("done", "needs_review") for _, status, _ in final), final
    # the killed worker's document was claimed again by the survivor, exactly once more
    assert sorted(attempts for _, _, attempts in final)[-1] == 2, final
    assert sum(attempts for _, _, attempts in final) == FILES + 1, final
    assert f"{FILES}/{FILES}" in err.decode()
