"""The orphan sweep over both key families, what it keeps, and the debris of interrupted writes."""

import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from models.catalog import DocumentStatus
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from services.sweep import sweep_orphans
from storage.catalog.papers import NewPage, Recognition
from storage.catalog.repository import NewDocument
from storage.keys import document_pdf_key, original_key, page_hocr_key, page_result_key
from storage.local import LocalObjectStore
from storage.objects import sha256_hex
from tests.conftest import ADMIN, DOSSIER


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path / "data", database_url=database_url))
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def test_only_unreferenced_objects_under_our_prefixes_are_removed(ctx: Context) -> None:
    original = original_key(sha256_hex(b"scan"))
    ctx.store.put(original, b"scan", content_type="image/png")
    ctx.catalog.add_documents(
        DOSSIER["code"],
        [NewDocument("d" * 32, sha256_hex(b"scan"), original, "a.png", "image/png", 4, 2)],
    )
    page_1, page_2 = page_result_key("d" * 32, 1), page_result_key("d" * 32, 2)
    for key in (page_1, page_2, "elsewhere/not-ours"):
        ctx.store.put(key, b"{}", content_type="application/json")
    # the worker recorded page 1 only (it died before page 2 was committed, say)
    claimed = ctx.queue.claim("d" * 32, "test/1/a", timedelta(minutes=5)).claimed
    assert claimed is not None
    ctx.papers.record_recognition(
        claimed,
        Recognition(
            pages=[NewPage(1, "chữ", 90.0, "ocr", page_1)],
            status=DocumentStatus.DONE,
            reason=None,
            mean_confidence=90.0,
        ),
    )

    dry = sweep_orphans(ctx, grace_seconds=0, dry_run=True)
    assert dry.removed == [page_2] and ctx.store.exists(page_2)

    report = sweep_orphans(ctx, grace_seconds=0)
    assert report.removed == [page_2] and report.removed_bytes == 2
    assert report.scanned == 3  # "elsewhere/" is not looked at
    assert not ctx.store.exists(page_2)
    for key in (original, page_1, "elsewhere/not-ours"):
        assert ctx.store.exists(key), key


def test_the_grace_is_measured_from_the_last_write(ctx: Context) -> None:
    key = original_key(sha256_hex(b"old orphan"))
    ctx.store.put(key, b"old orphan", content_type="image/png")
    old = time.time() - 7200
    os.utime(ctx.settings.objects_root / key, (old, old))  # written two hours ago
    assert sweep_orphans(ctx, grace_seconds=3600, dry_run=True).removed == [key]

    # rewritten (as intake does with an unreferenced original it needs): young again
    ctx.store.put(key, b"old orphan", content_type="image/png")
    report = sweep_orphans(ctx, grace_seconds=3600)
    assert (report.removed, report.kept_young) == ([], 1)
    assert ctx.store.exists(key)
    later = datetime.now(UTC) + timedelta(hours=2)
    assert sweep_orphans(ctx, grace_seconds=3600, now=later).removed == [key]


def test_debris_of_interrupted_local_writes_goes_after_the_grace(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put("originals/ab/kept", b"x", content_type="image/png")
    folder = store.root / "originals" / "ab"
    temporary = folder / ".dead.tmp-abc123"  # a write killed before its rename
    temporary.write_bytes(b"half")
    sidecar = folder / "dead.meta.json"  # killed between the sidecar and the data
    sidecar.write_text("{}")
    young = folder / ".young.tmp-def456"  # a write in flight right now
    young.write_bytes(b"in flight")
    old = time.time() - 7200
    for path in (temporary, sidecar):
        os.utime(path, (old, old))

    assert store.remove_debris(datetime.now(UTC) - timedelta(hours=1)) == 2
    assert not temporary.exists() and not sidecar.exists()
    assert young.exists()
    assert store.get("originals/ab/kept") == b"x"  # its own sidecar is not debris


def test_intake_rewrites_an_unreferenced_original_it_needs(ctx: Context) -> None:
    """An orphan with the bytes of a new upload may be swept any moment: intake writes it again
    (renewing its age) rather than trusting it; a referenced original is not rewritten."""
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 40).save(buffer, "PNG")
    scan = buffer.getvalue()
    path = ctx.settings.objects_root / original_key(sha256_hex(scan))
    ctx.store.put(original_key(sha256_hex(scan)), scan, content_type="image/png")
    old = time.time() - 7200
    os.utime(path, (old, old))

    intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [intake.Upload("a.png", io.BytesIO(scan))])
    assert path.stat().st_mtime > old + 3600

    os.utime(path, (old, old))
    intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [intake.Upload("b.png", io.BytesIO(scan))])
    assert path.stat().st_mtime == old  # referenced now: stored once, not written again


def test_hocr_and_searchable_pdf_live_as_long_as_their_document(ctx: Context) -> None:
    original = original_key(sha256_hex(b"scan"))
    ctx.store.put(original, b"scan", content_type="image/png")
    ctx.catalog.add_documents(
        DOSSIER["code"],
        [NewDocument("e" * 32, sha256_hex(b"scan"), original, "a.png", "image/png", 4, 1)],
    )
    kept = [page_hocr_key("e" * 32, 1), document_pdf_key("e" * 32)]
    gone = [page_hocr_key("f" * 32, 1), document_pdf_key("f" * 32)]  # no such document
    for key in kept + gone:
        ctx.store.put(key, b"x", content_type="application/octet-stream")
    report = sweep_orphans(ctx, grace_seconds=0)
    assert sorted(report.removed) == sorted(gone)
    assert all(ctx.store.exists(key) for key in kept)


def test_the_outputs_of_a_replaced_scan_are_swept_every_page_of_them(ctx: Context) -> None:
    """A rescan's outputs live under the new scan; the old scan's, however many pages it had,
    are orphans once the paper points at the new scan."""
    old, new = sha256_hex(b"old scan"), sha256_hex(b"new scan")
    ctx.store.put(original_key(old), b"old scan", content_type="image/png")
    ctx.catalog.add_documents(
        DOSSIER["code"],
        [NewDocument("c" * 32, old, original_key(old), "a.png", "image/png", 8, 3)],
    )
    stale = [page_hocr_key("c" * 32, n, old) for n in (1, 2, 3)] + [document_pdf_key("c" * 32, old)]
    ctx.papers.replace_original(
        "c" * 32,
        sha256=new,
        object_key=original_key(new),
        content_type="image/png",
        size=8,
        page_count=1,
        filename="b.png",
        quality=None,
    )
    ctx.store.put(original_key(new), b"new scan", content_type="image/png")
    fresh = [page_hocr_key("c" * 32, 1, new), document_pdf_key("c" * 32, new)]
    for key in stale + fresh:
        ctx.store.put(key, b"x", content_type="application/octet-stream")
    report = sweep_orphans(ctx, grace_seconds=0)
    assert sorted(report.removed) == sorted([*stale, original_key(old)])
    assert all(ctx.store.exists(key) for key in fresh)
