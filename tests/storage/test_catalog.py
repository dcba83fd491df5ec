"""The catalog on SQLite: migrations match the tables, and the queue hands each document out once."""

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.catalog import DocumentStatus, DossierStatus
from models.errors import Conflict, NotFound
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.catalog.repository import Catalog, NewDocument
from storage.catalog.tables import Base


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    migrate.upgrade(engine)
    catalog = Catalog(engine)
    catalog.create_dossier(
        code="000.00.01.H29-240115-0001",
        procedure_code="1.001193",
        applicant_name="Nguyễn Văn An",
        applicant_id="079193002341",
        agency_code="000.00.01.H29",
    )
    return catalog


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
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrating_twice_is_harmless(catalog: Catalog) -> None:
    migrate.upgrade(catalog.engine)


def test_sqlite_runs_in_wal_mode(catalog: Catalog) -> None:
    with catalog.engine.connect() as connection:
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

    def worker() -> None:
        while (document := catalog.claim_next()) is not None:
            with lock:
                claimed.append(document.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(_doc(i).id for i in range(20))


def test_interrupted_work_is_requeued(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1)])
    claimed = catalog.claim_next()
    assert claimed is not None and claimed.attempts == 1
    assert catalog.requeue_interrupted() == 1
    assert catalog.get_document(_doc(1).id).status == DocumentStatus.QUEUED


def test_dossier_completes_when_its_last_document_finishes(catalog: Catalog) -> None:
    catalog.add_documents("000.00.01.H29-240115-0001", [_doc(1), _doc(2)])
    catalog.set_status(_doc(1).id, DocumentStatus.DONE, None)
    assert catalog.get_dossier("000.00.01.H29-240115-0001").status == DossierStatus.PROCESSING
    catalog.set_status(_doc(2).id, DocumentStatus.FAILED, "x")
    assert catalog.get_dossier("000.00.01.H29-240115-0001").status == DossierStatus.COMPLETED
