"""Back up a service with papers, wipe it, restore: every paper, its text, a search hit and the
audit rows come back, on SQLite + local folder and on PostgreSQL + S3 (moto). A second backup
copies only new objects; a restore refuses an occupied target and an incomplete backup."""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from models.audit import AuditFilter
from models.errors import InvalidBackup, NotFound, TargetNotEmpty
from models.recognition import DocumentResult, PageResult
from models.schemas import DossierCreate
from services import intake, queries
from services.backup import backup, restore
from services.context import Context
from services.processing import process_document, record_result
from services.search import search
from services.settings import Settings
from services.verify_store import verify_store
from storage.backup_folder import BackupFolder
from storage.local import LocalObjectStore
from storage.s3 import S3ObjectStore
from tests.backends import S3Server
from tests.conftest import ADMIN, DOSSIER
from tests.services.shelf import scan

WORD = "Khánh Hòa"


@dataclass
class Service:
    settings: Settings

    def open(self) -> Context:
        return Context.open(self.settings)

    def wipe(self) -> None:
        """As a lost machine: no catalog, no objects."""
        ctx = self.open()
        for prefix in ("originals/", "documents/"):
            for entry in list(ctx.store.list(prefix)):
                ctx.store.delete(entry.key)
        ctx.close()
        if self.settings.database_url:
            empty_schema(self.settings.database_url)
        shutil.rmtree(self.settings.data_dir, ignore_errors=True)


def empty_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(
    params=[("sqlite", "local"), ("postgresql", "s3")], ids=["sqlite-local", "postgresql-s3"]
)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Service:
    database, store = request.param
    values: dict[str, object] = {"data_dir": tmp_path / "service", "workers": 0}
    if database == "postgresql":
        url: str = request.getfixturevalue("postgres_database")
        empty_schema(url)
        values["database_url"] = url
    if store == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        values.update(
            object_store="s3",
            s3_endpoint=server.endpoint,
            s3_access_key="sohoa-test",
            s3_secret_key="sohoa-test-secret",
            s3_bucket=f"sohoa-{uuid.uuid4().hex[:12]}",
            s3_secure=False,
            s3_region="us-east-1",
        )
    return Service(Settings(**values))  # type: ignore[arg-type]


@pytest.fixture
def ctx(service: Service) -> Iterator[Context]:
    context = service.open()
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def upload(ctx: Context, number: int) -> str:
    """A real upload through intake (stored, committed, queued); recognition is the caller's."""
    (paper,) = intake.upload_documents(
        ctx, ADMIN, DOSSIER["code"], [intake.Upload(f"{number}.png", io.BytesIO(scan(number)))]
    )
    return paper.id


def recorded(ctx: Context, number: int) -> str:
    """A paper whose reading is recorded as if Tesseract had read `WORD` on it (no OCR run)."""
    document_id = upload(ctx, number)
    claimed = ctx.queue.claim(document_id, "test/1/a", timedelta(minutes=5))
    assert claimed.claimed is not None
    page = PageResult(
        number=1,
        width=1,
        height=1,
        text=f"Giấy số {number} cấp tại {WORD}",
        words=[],
        mean_confidence=90.0,
    )
    record_result(ctx, claimed.claimed, DocumentResult(pages=[page], languages="vie"))
    return document_id


def snapshot(ctx: Context, ids: list[str]) -> dict[str, object]:
    return {
        "texts": {i: queries.document_text(ctx, ADMIN, i).text for i in ids},
        "hits": sorted(h.document_id for h in search(ctx, ADMIN, WORD).hits),
        "objects": sorted(
            (e.key, ctx.store.head(e.key).sha256)
            for p in ("originals/", "documents/")
            for e in ctx.store.list(p)
        ),
    }


def audit_rows(ctx: Context) -> list[dict[str, object]]:
    return [e.model_dump() for e in ctx.audit.events(AuditFilter(), limit=10_000, offset=0)]


def test_a_wiped_service_gets_everything_back(
    service: Service, ctx: Context, tmp_path: Path
) -> None:
    ids = [recorded(ctx, 1), recorded(ctx, 2)]
    read = upload(ctx, 3)
    assert process_document(ctx, read) is not None  # one paper read by Tesseract for real
    ids.append(read)
    queued = upload(ctx, 4)  # still waiting for a worker when the machine is lost
    before = snapshot(ctx, ids)
    assert len(before["hits"]) == 2  # type: ignore[arg-type]
    rows = audit_rows(ctx)
    assert rows
    originals = {i: queries.original(ctx, ADMIN, i) for i in [*ids, queued]}

    report = backup(ctx, tmp_path / "backup")
    assert report.copied == report.objects > 0
    ctx.close()
    service.wipe()

    restore(service.settings, tmp_path / "backup")
    restored = service.open()
    try:
        assert snapshot(restored, ids) == before
        assert audit_rows(restored)[: len(rows)] == rows
        assert restored.catalog.get_document(queued).status == "queued"
        for i, original in originals.items():
            assert queries.original(restored, ADMIN, i).data == original.data
        check = verify_store(restored)
        assert check.sound and not check.orphans, check
    finally:
        restored.close()


def test_a_second_backup_copies_only_what_is_new(ctx: Context, tmp_path: Path) -> None:
    recorded(ctx, 1)
    first = backup(ctx, tmp_path / "backup")
    again = backup(ctx, tmp_path / "backup")
    assert (again.objects, again.copied) == (first.objects, 0)
    recorded(ctx, 2)  # a new original, its page result
    third = backup(ctx, tmp_path / "backup")
    assert third.copied == third.objects - first.objects == 2
    assert len(list((tmp_path / "backup").glob("catalog-*"))) == 1


def test_restore_refuses_an_occupied_target_unless_forced(
    service: Service, ctx: Context, tmp_path: Path
) -> None:
    document_id = recorded(ctx, 1)
    backup(ctx, tmp_path / "backup")
    later = recorded(ctx, 2)  # written after the backup: gone with --force
    with pytest.raises(TargetNotEmpty) as refused:
        restore(service.settings, tmp_path / "backup")
    assert "documents" in refused.value.detail["holds"]
    ctx.close()
    restore(service.settings, tmp_path / "backup", force=True)
    restored = service.open()
    try:
        assert restored.catalog.get_document(document_id).id == document_id
        with pytest.raises(NotFound):
            restored.catalog.get_document(later)
    finally:
        restored.close()


def test_an_incomplete_backup_is_refused_before_anything_is_written(
    service: Service, ctx: Context, tmp_path: Path
) -> None:
    recorded(ctx, 1)
    backup(ctx, tmp_path / "backup")
    ctx.close()
    service.wipe()
    blob = next(
        p
        for p in (tmp_path / "backup" / "objects").rglob("*")
        if p.is_file() and not p.name.endswith(".meta.json")
    )
    blob.unlink()
    with pytest.raises(InvalidBackup) as refused:
        restore(service.settings, tmp_path / "backup")
    assert refused.value.detail["missing_objects"] == 1
    empty = service.open()
    try:
        assert not list(empty.store.list("originals/")) and not list(empty.store.list("documents/"))
    finally:
        empty.close()


def rot(ctx: Context, key: str) -> None:
    """Change an object's bytes behind the store's back, its recorded sha256 kept."""
    info = ctx.store.head(key)
    data = bytearray(ctx.store.get(key))
    data[len(data) // 2] ^= 0xFF
    if isinstance(ctx.store, LocalObjectStore):
        (ctx.store.root / key).write_bytes(bytes(data))
    else:
        assert isinstance(ctx.store, S3ObjectStore)
        ctx.store.client.put_object(
            ctx.store.bucket, key, io.BytesIO(data), len(data), metadata={"sha256": info.sha256}
        )


def test_a_rotten_object_is_left_out_and_named_the_rest_is_backed_up(
    ctx: Context, tmp_path: Path
) -> None:
    bad, good = recorded(ctx, 1), recorded(ctx, 2)
    bad_key = ctx.catalog.get_document(bad).object_key
    rot(ctx, bad_key)
    report = backup(ctx, tmp_path / "backup")
    assert report.corrupt == [bad_key]
    manifest = BackupFolder(tmp_path / "backup").read_manifest()
    assert manifest is not None and report.objects == len(manifest.objects)
    keys = {entry.key for entry in manifest.objects}
    assert bad_key not in keys and ctx.catalog.get_document(good).object_key in keys
    assert verify_store(ctx).corrupt == [bad_key]  # and verify-store finds it, on S3 too


def test_a_backup_of_newer_code_or_of_another_database_kind_is_refused(
    service: Service, ctx: Context, tmp_path: Path
) -> None:
    recorded(ctx, 1)
    backup(ctx, tmp_path / "backup")
    ctx.close()
    service.wipe()
    folder = BackupFolder(tmp_path / "backup")
    manifest = folder.read_manifest()
    assert manifest is not None
    newer = manifest.model_copy(deep=True)
    newer.catalog.revision = "9999_from_the_future"
    folder.write_manifest(newer)
    with pytest.raises(InvalidBackup) as refused:
        restore(service.settings, tmp_path / "backup")
    assert refused.value.detail["revision"] == "9999_from_the_future"
    other = manifest.model_copy(deep=True)
    other.catalog.dialect = "sqlite" if manifest.catalog.dialect == "postgresql" else "postgresql"
    folder.write_manifest(other)
    with pytest.raises(InvalidBackup, match="loại cơ sở dữ liệu khác"):
        restore(service.settings, tmp_path / "backup")
    folder.write_manifest(manifest)
    restore(service.settings, tmp_path / "backup")  # the untouched manifest still restores
