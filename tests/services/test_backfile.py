"""The backfile in-process with the local pool: imports once, reruns skip, failures reported."""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from minio import Minio
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from models.auth import Actor, Role
from models.catalog import DocumentStatus
from models.errors import Forbidden
from services import auth, queries
from services.backfile import Outcome, run_backfile
from services.backfile.manifest import read_manifest
from services.backfile.runners import LocalPool
from services.context import Context
from services.settings import Settings
from storage.catalog.backfile import BackfileLog
from storage.catalog.tables import BackfileItemRow, DocumentRow, utcnow
from storage.sources import LocalFolder, open_source
from tests.conftest import PASSWORD
from tests.hostile import png_broken_tail
from tests.services.shelf import AGENCY, make_shelf


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path / "data", workers=1, max_attempts=2))
    yield context
    context.close()


def actor(ctx: Context, role: Role = Role.ARCHIVIST) -> Actor:
    principal, _ = auth.add_user(ctx, f"user-{role}", role, AGENCY, PASSWORD)
    return Actor(principal, origin="test")


def backfile(ctx: Context, who: Actor, root: Path, manifest: Path) -> Outcome:
    source = LocalFolder(root / "shelf")
    rows = read_manifest(manifest.read_text(encoding="utf-8"), source, AGENCY)
    return run_backfile(
        ctx,
        who,
        source,
        rows,
        files=len(rows),
        runner=LocalPool(ctx, 1),
        report=root / "failures.csv",
    )


def count(ctx: Context, table: type[DocumentRow] | type[BackfileItemRow]) -> int:
    with ctx.catalog.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_every_file_is_imported_once_and_a_rerun_recognises_nothing(
    ctx: Context, tmp_path: Path
) -> None:
    manifest = make_shelf(tmp_path, dossiers=2, files_per_dossier=2, corrupt=1)
    archivist = actor(ctx)

    first = backfile(ctx, archivist, tmp_path, manifest)

    assert first.tally.done + first.tally.needs_review == 3
    assert first.tally.failed == 1
    assert first.tally.pages == 3
    assert count(ctx, DocumentRow) == 3
    dossier = ctx.catalog.get_dossier("000.00.01.H29-240115-0001")
    assert [link.document.filename for link in dossier.links] == ["trang-01.png", "trang-02.png"]
    assert "Giấy khai sinh số 1" in ctx.catalog.get_document(dossier.links[0].document.id).pages[
        0
    ].text.replace("  ", " ")
    with (tmp_path / "failures.csv").open(encoding="utf-8") as stream:
        report = list(csv.DictReader(stream))
    assert [(r["file"], r["row"]) for r in report] == [("hop-02/trang-02.png", "5")]
    assert report[0]["error_code"] in ("unsupported_file_type", "corrupt_file")
    assert report[0]["message"]

    again = backfile(ctx, archivist, tmp_path, manifest)

    assert again.tally.skipped == 3
    assert again.tally.failed == 1  # failed for good: bad content is not retried
    assert again.tally.pages == 0
    assert count(ctx, DocumentRow) == 3
    assert count(ctx, BackfileItemRow) == 4


def test_a_damaged_png_is_refused_at_intake_and_one_only_decoding_finds_fails_in_the_worker(
    ctx: Context, tmp_path: Path
) -> None:
    # intake proves a PNG whole by its checksums (the worker decodes it): a damaged byte is
    # refused before anything is stored; a crafted file whose checksums hold is found by the
    # worker's decoding, and both are in the report
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=3)
    shelf = tmp_path / "shelf" / "hop-01"
    damaged = bytearray((shelf / "trang-02.png").read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (shelf / "trang-02.png").write_bytes(bytes(damaged))
    (shelf / "trang-03.png").write_bytes(png_broken_tail(400, 400))

    outcome = backfile(ctx, actor(ctx), tmp_path, manifest)

    assert outcome.tally.done + outcome.tally.needs_review == 1
    assert outcome.tally.failed == 2
    assert count(ctx, DocumentRow) == 2  # the damaged file was never stored
    with (tmp_path / "failures.csv").open(encoding="utf-8") as stream:
        report = {row["file"]: row for row in csv.DictReader(stream)}
    assert report["hop-01/trang-02.png"]["error_code"] == "corrupt_file"
    assert report["hop-01/trang-03.png"]["error_code"] == "recognition_failed"
    assert report["hop-01/trang-03.png"]["message"]


def test_the_quality_verdict_is_made_once_by_the_worker_not_at_intake(
    ctx: Context, tmp_path: Path
) -> None:
    # nobody is at a counter to rescan an archive's page: intake skips the verdict (a tenth of
    # the per-page work, in the one process feeding every worker) and recognition makes it
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=1)
    archivist = actor(ctx)
    source = LocalFolder(tmp_path / "shelf")
    rows = read_manifest(manifest.read_text(encoding="utf-8"), source, AGENCY)

    class Hold:
        """A runner that recognises nothing: shows what intake alone recorded."""

        window = 1

        def recognise(self, document_ids: Sequence[str]) -> None:
            held.extend(document_ids)

        def forget(self, document_id: str) -> None: ...
        def wait(self, timeout: float) -> None:
            raise TimeoutError  # stop the run: its one document is staged

        def close(self, *, cancel: bool) -> None: ...

    held: list[str] = []
    with pytest.raises(TimeoutError):
        run_backfile(ctx, archivist, source, rows, files=1, runner=Hold())
    assert queries.page_verdicts(ctx.catalog.get_document(held[0])) == [None]

    backfile(ctx, archivist, tmp_path, manifest)
    verdict = queries.page_verdicts(ctx.catalog.get_document(held[0]))[0]
    assert verdict is not None and verdict.x_height


def test_a_failed_recognition_is_retried_on_rerun_until_attempts_run_out(
    ctx: Context, tmp_path: Path
) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=2)
    archivist = actor(ctx)
    backfile(ctx, archivist, tmp_path, manifest)
    first, second = (
        link.document for link in ctx.catalog.get_dossier("000.00.01.H29-240115-0001").links
    )
    # one failed once (a Tesseract timeout, say), the other has used both of its attempts
    ctx.catalog.set_status(first.id, DocumentStatus.FAILED, "Hết thời gian nhận dạng")
    ctx.catalog.set_status(second.id, DocumentStatus.QUEUED, None)
    ctx.queue.claim(second.id, "test/1/a", timedelta(minutes=5))  # attempts 1 → 2 = max
    ctx.catalog.set_status(second.id, DocumentStatus.FAILED, "Hết thời gian nhận dạng")
    BackfileLog(ctx.catalog.engine).settle([first.id, second.id])  # as the run would have

    rerun = backfile(ctx, archivist, tmp_path, manifest)

    assert ctx.catalog.get_document(first.id).status in ("done", "needs_review")
    assert ctx.catalog.get_document(first.id).attempts == 2
    assert ctx.catalog.get_document(second.id).status == "failed"
    assert (rerun.tally.done + rerun.tally.needs_review, rerun.tally.failed) == (1, 1)
    report = (tmp_path / "failures.csv").read_text(encoding="utf-8")
    assert "hop-01/trang-02.png,3,recognition_failed,Hết thời gian nhận dạng" in report
    assert count(ctx, DocumentRow) == 2


def test_documents_left_processing_by_a_killed_run_are_taken_back(
    ctx: Context, tmp_path: Path
) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=1)
    archivist = actor(ctx)
    backfile(ctx, archivist, tmp_path, manifest)
    (document,) = (
        link.document for link in ctx.catalog.get_dossier("000.00.01.H29-240115-0001").links
    )
    # as if the run died mid-recognition: the document claimed, its item not finished
    with ctx.catalog.engine.begin() as connection:
        connection.execute(DocumentRow.__table__.update().values(status="processing"))
        connection.execute(BackfileItemRow.__table__.update().values(status="queued"))

    rerun = backfile(ctx, archivist, tmp_path, manifest)

    assert rerun.tally.done + rerun.tally.needs_review == 1
    assert ctx.catalog.get_document(document.id).status in ("done", "needs_review")


def test_a_document_another_holder_seems_to_hold_is_claimed_once_its_lease_ends(
    tmp_path: Path,
) -> None:
    """A killed run's pool process that nobody reaped (or whose pid was taken again) looks
    alive: the rerun's claim said Busy and the rerun waited for it forever (the crash test hung
    300 s under load). It is asked again once the holder's lease could have run out."""
    ctx = Context.open(
        Settings(data_dir=tmp_path / "data", workers=1, max_attempts=3, lease_seconds=2)
    )
    try:
        manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=1)
        archivist = actor(ctx)
        backfile(ctx, archivist, tmp_path, manifest)
        # held by a process that is alive (this one) and will never finish it; the lease ends
        # in two seconds and nobody renews it
        owner = f"{ctx.settings.replica_id}/{os.getpid()}/gone"
        with ctx.catalog.engine.begin() as connection:
            connection.execute(
                DocumentRow.__table__.update().values(
                    status="processing",
                    lease_owner=owner,
                    lease_until=utcnow() + timedelta(seconds=2),
                )
            )
            connection.execute(BackfileItemRow.__table__.update().values(status="queued"))
        result: list[Outcome] = []
        rerun = threading.Thread(
            target=lambda: result.append(backfile(ctx, archivist, tmp_path, manifest)),
            daemon=True,
        )
        rerun.start()
        rerun.join(timeout=90)
        assert not rerun.is_alive(), "the rerun still waits on a lease that ran out long ago"
        assert result[0].tally.done + result[0].tally.needs_review == 1
    finally:
        ctx.close()


def test_only_an_archivist_may_backfile(ctx: Context, tmp_path: Path) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=1)
    with pytest.raises(Forbidden):
        backfile(ctx, actor(ctx, Role.CLERK), tmp_path, manifest)
    assert count(ctx, DocumentRow) == 0


def test_a_shelf_on_s3_is_imported_like_a_folder(ctx: Context, tmp_path: Path) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=2)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = Minio(f"{host}:{port}", access_key="k", secret_key="s", secure=False)
        client.make_bucket("kho")
        for path in sorted((tmp_path / "shelf").rglob("*.png")):
            relative = path.relative_to(tmp_path / "shelf").as_posix()
            client.fput_object("kho", f"1998/{relative}", str(path))
        source = open_source(
            "s3://kho/1998",
            s3_endpoint=f"http://{host}:{port}",
            s3_access_key="k",
            s3_secret_key="s",
        )
        rows = read_manifest(manifest.read_text(encoding="utf-8"), source, AGENCY)
        outcome = run_backfile(
            ctx, actor(ctx), source, rows, files=len(rows), runner=LocalPool(ctx, 1)
        )
    finally:
        server.stop()
    assert outcome.tally.done + outcome.tally.needs_review == 2
    assert count(ctx, DocumentRow) == 2
