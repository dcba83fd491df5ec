"""Embedded workers hold documents under leases: a live holder's documents are never taken from
it (whichever replica restarts), a dead holder's are taken over, and a paper that killed every
worker that held it is failed instead of being handed to the next one. Run with real worker
pools on a real catalog; two replicas share one PostgreSQL."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from models.catalog import DocumentStatus
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.failures import POISON
from services.leases import holder_alive
from services.processing import WorkerPool
from services.settings import Settings
from storage.catalog.tables import DocumentRow, utcnow
from tests.conftest import ADMIN, DOSSIER
from tests.services.shelf import scan


def _context(tmp_path: Path, database_url: str, replica: str) -> Context:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        workers=0,
        replica_id=replica,
        max_attempts=2,
        lease_seconds=60,
    )
    return Context.open(settings)


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = _context(tmp_path, database_url, "replica-a")
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def _upload(ctx: Context, numbers: range) -> list[str]:
    uploads = [intake.Upload(f"{n}.png", io.BytesIO(scan(n))) for n in numbers]
    accepted = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], uploads, assess=False)
    return [a.id for a in accepted]


def _held(ctx: Context, document_id: str, owner: str, seconds: float, attempts: int) -> None:
    """As left by a holder `owner` whose lease ends in `seconds` (past when negative)."""
    with ctx.catalog.engine.begin() as connection:
        connection.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document_id)
            .values(
                status=DocumentStatus.PROCESSING,
                lease_owner=owner,
                lease_until=utcnow() + timedelta(seconds=seconds),
                attempts=attempts,
            )
        )


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    return int(child.stdout)


def _wait(ctx: Context, ids: list[str], timeout: float = 120) -> dict[str, DocumentStatus]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = {i: DocumentStatus(ctx.catalog.get_document(i).status) for i in ids}
        if all(s.finished for s in statuses.values()):
            return statuses
        time.sleep(0.3)
    raise AssertionError(f"not finished: {statuses}")


def test_a_holder_killed_and_not_reaped_is_dead() -> None:
    """In a container no init reaps an orphan: a killed run's pool process stays a zombie, which
    still answers a signal. Taken for alive, what it held waited for its lease."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert holder_alive(f"replica-a/{child.pid}/x")
        child.kill()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert not holder_alive(f"replica-a/{child.pid}/x")  # killed, not yet reaped
    finally:
        child.wait()


def test_a_paper_that_killed_every_holder_is_failed_not_handed_on(ctx: Context) -> None:
    poison, fine = _upload(ctx, range(1, 3))
    # held twice (max_attempts) by workers that died on it; their leases have run out
    _held(ctx, poison, "elsewhere/1/x", -1, attempts=2)
    pool = WorkerPool(ctx, 1)
    pool.start()
    try:
        statuses = _wait(ctx, [poison, fine])
    finally:
        pool.stop()
    assert statuses[fine] in (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW)
    assert statuses[poison] == DocumentStatus.FAILED
    assert ctx.catalog.get_document(poison).reason == POISON
    assert ctx.catalog.get_document(poison).pages == []  # never recognised
    # the failure policy counts it for /metrics, by reason; the fine paper's pages are counted
    metrics = ctx.metrics.registry
    assert metrics.get_sample_value("sohoa_recognition_failures_total", {"reason": "poison"}) == 1
    assert metrics.get_sample_value("sohoa_pages_recognised_total") == len(
        ctx.catalog.get_document(fine).pages
    )


def test_a_restart_takes_back_what_its_dead_processes_held_only(ctx: Context) -> None:
    own_dead, other_live = _upload(ctx, range(1, 3))
    _held(ctx, own_dead, f"replica-a/{_dead_pid()}/x", 60, attempts=1)
    _held(ctx, other_live, f"replica-b/{os.getpid()}/y", 60, attempts=1)
    pool = WorkerPool(ctx, 1)
    pool.start()
    try:
        assert _wait(ctx, [own_dead])[own_dead] != DocumentStatus.FAILED
        time.sleep(3)  # a poll or more: the live one must stay with its holder
        other = ctx.catalog.get_document(other_live)
    finally:
        pool.stop()
    assert other.status == DocumentStatus.PROCESSING and other.lease_owner.startswith("replica-b")
    assert other.attempts == 1


def test_two_replicas_on_one_postgresql_recognise_each_paper_once(
    tmp_path: Path, postgres_database: str
) -> None:
    # one catalog (the session's PostgreSQL, emptied) and one object store for both replicas
    reset = create_engine(postgres_database)
    with reset.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    reset.dispose()
    one = _context(tmp_path, postgres_database, "replica-a")
    other = _context(tmp_path, postgres_database, "replica-b")
    intake.create_dossier(one, ADMIN, DossierCreate(**DOSSIER))
    ids = _upload(one, range(1, 7))
    pools = [WorkerPool(one, 1), WorkerPool(other, 1)]
    try:
        for pool in pools:
            pool.start()
        statuses = _wait(one, ids, timeout=240)
        # a replica restarting meanwhile takes nothing the other holds
        pools[1].stop()
        pools[1] = WorkerPool(other, 1)
        pools[1].start()
    finally:
        for pool in pools:
            pool.stop()
        other.close()
        one.close()
    assert all(s != DocumentStatus.FAILED for s in statuses.values()), statuses
    check = _context(tmp_path, postgres_database, "check")
    try:
        assert [check.catalog.get_document(i).attempts for i in ids] == [1] * len(ids)
        assert all(len(check.catalog.jobs_of(i)) == 1 for i in ids)
    finally:
        check.close()


def test_a_pool_is_replaced_once_however_many_threads_saw_it_break(ctx: Context) -> None:
    workers = WorkerPool(ctx, 1)
    broken = workers._new_pool()
    workers._pool = broken
    workers._replace(broken)  # the first thread that saw the break
    fresh = workers._pool
    assert fresh is not broken and fresh is not None
    # a 20-page document's pages on the new pool: more than its call queue takes at once
    in_flight = [fresh.submit(pow, 2, n) for n in range(20)]
    workers._replace(broken)  # a second thread, late, about the same break
    try:
        assert workers._pool is fresh
        # none cancelled under its feet (its document would fail for nothing)
        assert [f.result(timeout=120) for f in in_flight] == [2**n for n in range(20)]
    finally:
        fresh.shutdown(wait=True)
