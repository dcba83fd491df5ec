"""verify-store finds a missing object, a corrupted one and an orphan, on both catalogs; a sound
store passes with nothing to report."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from services.verify_store import verify_store
from storage.keys import original_key
from storage.objects import sha256_hex
from tests.conftest import ADMIN, DOSSIER
from tests.services.shelf import scan


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def _original(ctx: Context, number: int) -> str:
    uploads = [intake.Upload(f"{number}.png", io.BytesIO(scan(number)))]
    (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], uploads, assess=False)
    return ctx.catalog.get_document(paper.id).object_key


def test_a_sound_store_has_nothing_to_report(ctx: Context) -> None:
    _original(ctx, 1)
    report = verify_store(ctx)
    assert report.sound and report.checked == 1
    assert (report.missing, report.corrupt, report.orphans) == ([], [], [])


def test_a_missing_object_is_reported(ctx: Context) -> None:
    gone, kept = _original(ctx, 1), _original(ctx, 2)
    ctx.store.delete(gone)
    report = verify_store(ctx)
    assert report.missing == [gone] and not report.sound
    assert report.checked == 1 and kept not in report.corrupt


def test_a_corrupted_object_is_reported(ctx: Context, tmp_path: Path) -> None:
    key = _original(ctx, 1)
    path = tmp_path / "objects" / key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one bit of rot, same size
    path.write_bytes(bytes(data))
    report = verify_store(ctx)
    assert report.corrupt == [key] and not report.sound and not report.missing


def test_an_orphan_is_reported_but_the_store_is_sound(ctx: Context) -> None:
    _original(ctx, 1)
    orphan = original_key(sha256_hex(b"stored, never committed"))
    ctx.store.put(orphan, b"stored, never committed", content_type="image/png")
    report = verify_store(ctx)
    assert report.orphans == [orphan] and report.sound
