"""The catalog on SQLite and PostgreSQL: migrations match the tables, the queue hands each document
out once, a paper is reused by link, and the metadata of design.md §5 is kept."""

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text, update

from models.catalog import DocumentStatus, DossierStatus, JobState
from models.errors import Conflict, NotFound
from storage.catalog import migrate
from storage.catalog.backfile import BackfileLog
from storage.catalog.database import make_engine
from storage.catalog.papers import Papers, Recognition
from storage.catalog.queue import WorkQueue
from storage.catalog.repository import Catalog, NewDocument
from storage.catalog.tables import Base, DocumentRow
from storage.search.index import in_catalog_model


@pytest.fixture
def catalog(database_url: str) -> Iterator[Catalog]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    catalog = Catalog(engine)
    catalog.create_dossier(
        code="000.00.01.H29-240115-0001",
        procedure_code="1.001193",
        applicant_name="Nguyễn Văn An",
        applicant_id="079193002341",
        agency_code="000.00.01.H29",
    )
    yield catalog
    engine.dispose()


LEASE = timedelta(minutes=5)


def _doc(i: int) -> NewDocument:
    return NewDocument(
        id=f"{i:032x}",
        sha256=f"{i:064x}",
        object_key=f"originals/00/{i:064x}",
        filename=f"scan-{i}.png",
        content_type="image/png",
        size=10,
        page_count=1,
    )


def test_migrations_produce_exactly_the_tables_of_the_code(catalog: Catalog) -> None:
    with catalog.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": in_catalog_model})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrating_twice_is_harmless(catalog: Catalog) -> None:
    migrate.upgrade(catalog.engine)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_dossier_codes_are_unique(catalog: Catalog) -> None:
    with pytest.raises(Conflict):
        catalog.create_dossier(
            code="000.00.01.H29-240115-0001",
            procedure_code="1.001193",
            applicant_name="B",
            applicant_id="079193002341",
            agency_code="000.00.01.H29",
        )


def test_documents_link_to_their_dossier_in_order(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1), _doc(2)])
    dossier = catalog.get_dossier("000.00.01.H29-240115-0001")
    assert [link.document.id for link in dossier.links] == [_doc(1).id, _doc(2).id]
    assert dossier.status == DossierStatus.PROCESSING


def test_adding_to_an_unknown_dossier_writes_nothing(catalog: Catalog) -> None:
    with pytest.raises(NotFound):
        catalog.add_documents("000.00.01.H29-240115-0002", [_doc(1)])
    with pytest.raises(NotFound):
        catalog.get_document(_doc(1).id)


def test_each_queued_document_is_claimed_exactly_once(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(i) for i in range(20)])
    claimed: list[str] = []
    lock = threading.Lock()

    queue = WorkQueue(catalog.engine)

    def worker() -> None:
        owner = f"test/1/{threading.get_ident()}"
        while (document := queue.claim_next(owner, LEASE)) is not None:
            with lock:
                claimed.append(document.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(_doc(i).id for i in range(20))


def test_the_backlog_counts_the_queue_its_oldest_and_the_backfiles(catalog: Catalog) -> None:
    queue = WorkQueue(catalog.engine)
    empty = queue.backlog()
    assert empty.depth == {"queued": 0, "processing": 0}
    assert empty.oldest_queued is None and empty.backfile == {}

    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(i) for i in range(4)])
    queue.claim_next("test/1/a", LEASE)  # one of them is being recognised
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with catalog.engine.begin() as connection:
        connection.execute(
            update(DocumentRow).where(DocumentRow.id == _doc(3).id).values(updated_at=an_hour_ago)
        )
    checkpoint = BackfileLog(catalog.engine)
    for path, status in (("a", "done"), ("b", "done"), ("c", "failed")):
        checkpoint.save("/kho", "000.00.01.H29-240115-0001", path, status=status)

    now = queue.backlog()
    assert now.depth == {"queued": 3, "processing": 1}
    assert now.oldest_queued is not None and now.oldest_queued.tzinfo is not None
    assert abs((now.oldest_queued - an_hour_ago).total_seconds()) < 1
    assert now.backfile == {"done": 2, "failed": 1}


def test_a_dead_holders_work_is_requeued_a_live_ones_is_not(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1), _doc(2)])
    queue = WorkQueue(catalog.engine)
    dead = queue.claim_next("host/1/dead", LEASE)
    live = queue.claim_next("host/2/live", LEASE)
    assert dead is not None and live is not None and dead.attempts == 1
    assert sorted(queue.holders("host/")) == ["host/1/dead", "host/2/live"]
    assert queue.requeue(["host/1/dead"]) == 1
    assert catalog.get_document(dead.id).status == DocumentStatus.QUEUED
    assert catalog.get_document(live.id).status == DocumentStatus.PROCESSING


def test_dossier_completes_when_its_last_document_finishes(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1), _doc(2)])
    catalog.set_status(_doc(1).id, DocumentStatus.DONE, None)
    assert catalog.get_dossier("000.00.01.H29-240115-0001").status == DossierStatus.PROCESSING
    catalog.set_status(_doc(2).id, DocumentStatus.FAILED, "x")
    assert catalog.get_dossier("000.00.01.H29-240115-0001").status == DossierStatus.COMPLETED


def test_each_document_has_a_job_that_follows_its_work(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1)])
    (job,) = catalog.jobs_of(_doc(1).id)
    assert (job.state, job.attempts, job.started_at) == (JobState.QUEUED, 0, None)
    WorkQueue(catalog.engine).claim_next("test/1/a", LEASE)
    (job,) = catalog.jobs_of(_doc(1).id)
    assert (job.state, job.attempts) == (JobState.RUNNING, 1) and job.started_at is not None
    catalog.set_status(_doc(1).id, DocumentStatus.FAILED, "Tiến trình bị dừng")
    (job,) = catalog.jobs_of(_doc(1).id)
    assert (job.state, job.error) == (JobState.FAILED, "Tiến trình bị dừng")
    assert job.finished_at is not None


def test_a_paper_is_reused_by_a_second_dossier_as_a_link_not_a_copy(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1)])
    catalog.create_dossier(
        code="000.00.01.H29-240116-0001",
        procedure_code="1.000656",
        applicant_name="Nguyễn Văn An",
        applicant_id="079193002341",
        agency_code="000.00.01.H29",
    )
    catalog.reuse_document("000.00.01.H29-240116-0001", _doc(1).id)
    first = catalog.get_dossier("000.00.01.H29-240115-0001")
    second = catalog.get_dossier("000.00.01.H29-240116-0001")
    assert first.links[0].document.id == second.links[0].document.id == _doc(1).id
    assert (first.links[0].digitized, first.links[0].reused) == (True, False)
    assert (second.links[0].digitized, second.links[0].reused) == (False, True)
    with catalog.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(DocumentRow)) == 1
    with pytest.raises(Conflict):
        catalog.reuse_document("000.00.01.H29-240116-0001", _doc(1).id)


def test_metadata_of_a_digitized_paper_is_kept(catalog: Catalog) -> None:
    catalog.add_documents(
        "000.00.01.H29-240115-0001",
        [replace(_doc(1), owner_id="079193002341", owner_name="Nguyễn Văn An", kind_code="KS")],
    )
    with catalog._sessions() as session, session.begin():
        row = session.get(DocumentRow, _doc(1).id)
        assert row is not None
        row.number_symbol = "123/TLKS-BS"
        row.issue_date = date(2024, 1, 15)
        row.issuer = "UBND phường Bến Nghé"
        row.signer = "Trần Thị Bình"
        row.summary = "Trích lục khai sinh"
        row.permanent = True
        row.validity_scope = "toàn quốc"
    (found,) = catalog.documents_of_owner("079193002341")
    assert (found.kind_code, found.role, found.permanent) == ("KS", "submitted", True)
    assert (found.issue_date, found.number_symbol) == (date(2024, 1, 15), "123/TLKS-BS")
    assert found.digitized_at is not None and found.valid_until is None
    assert catalog.documents_of_owner("001093000001") == []


def test_referenced_tells_which_keys_rows_point_at(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(i) for i in range(3)])
    keys = [_doc(i).object_key for i in range(5)]
    assert catalog.referenced(keys) == set(keys[:3])
    assert catalog.referenced(iter([])) == set()
    assert catalog.find_by_sha256(_doc(1).sha256) is not None
    assert catalog.find_by_sha256(_doc(4).sha256) is None


def test_upgrading_a_catalog_with_rows_fills_the_new_columns(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0001")
    catalog = Catalog(engine)
    with engine.begin() as connection:  # rows as revision 0001 wrote them
        connection.execute(
            text(
                "INSERT INTO dossiers (id, code, procedure_code, applicant_name, applicant_id,"
                " status, created_at, updated_at) VALUES (1, '000.00.01.H29-240115-0001',"
                " '1.001193', 'Nguyễn Văn An', '079193002341', 'completed', :now, :now)"
            ),
            {"now": datetime.now(UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO documents (id, sha256, object_key, filename, content_type, size,"
                " page_count, status, attempts, created_at, updated_at) VALUES ('d1', :sha,"
                " 'originals/00/x', 'a.png', 'image/png', 1, 1, 'done', 1, :now, :now)"
            ),
            {"sha": "0" * 64, "now": datetime.now(UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO dossier_documents (dossier_id, document_id, position, reused,"
                " created_at) VALUES (1, 'd1', 0, :false, :now)"
            ),
            {"false": False, "now": datetime.now(UTC)},
        )
    migrate.upgrade(engine)
    document = catalog.get_document("d1")
    assert (document.role, document.permanent, document.owner_id) == ("submitted", False, None)
    (link,) = catalog.get_dossier("000.00.01.H29-240115-0001").links
    assert (link.digitized, link.reused) == (True, False)
    engine.dispose()


def test_a_late_result_of_a_replaced_scan_is_dropped(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1)])
    queue, papers = WorkQueue(catalog.engine), Papers(catalog.engine)
    claimed = queue.claim_next("test/1/old", LEASE)
    assert claimed is not None
    # the clerk rescans while the worker still reads the old scan
    papers.replace_original(
        claimed.id,
        sha256="f" * 64,
        object_key="originals/ff/" + "f" * 64,
        content_type="image/png",
        size=1,
        page_count=1,
        filename="again.png",
        quality=None,
    )
    done = Recognition(pages=[], status=DocumentStatus.DONE, reason=None, mean_confidence=None)
    assert papers.record_recognition(claimed, done) is False
    assert queue.release(claimed, DocumentStatus.FAILED, "late") is False
    assert catalog.get_document(claimed.id).status == DocumentStatus.QUEUED
    again = queue.claim_next("test/1/new", LEASE)
    assert again is not None and again.sha256 == "f" * 64
    assert papers.record_recognition(again, done) is True
    assert catalog.get_document(claimed.id).status == DocumentStatus.DONE
