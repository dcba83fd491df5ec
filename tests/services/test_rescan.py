"""After a rescan nothing of the old scan survives: not its text in search, not its outputs in
the store, and a late result of it cannot overwrite the new scan's."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from models.recognition import DocumentResult, PageResult
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.processing import process_document, record_result
from services.search import search
from services.settings import Settings
from services.sweep import sweep_orphans
from tests.conftest import ADMIN, DOSSIER
from tests.services.shelf import scan


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def _two_pages() -> bytes:
    pages = [Image.open(io.BytesIO(scan(n))) for n in (1, 2)]
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    return buffer.getvalue()


def _blank() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (640, 160), 255).save(buffer, "PNG")
    return buffer.getvalue()


def _recognised(ctx: Context, data: bytes) -> str:
    upload = intake.Upload("a.tif", io.BytesIO(data))
    (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    assert process_document(ctx, paper.id) is not None
    return paper.id


def test_the_old_scans_text_is_not_found_once_it_is_replaced(ctx: Context) -> None:
    paper = _recognised(ctx, _two_pages())
    assert search(ctx, ADMIN, "Nơi sinh").total >= 1
    intake.replace_scan(ctx, ADMIN, paper, intake.Upload("b.png", io.BytesIO(_blank())))
    # queued again, nothing recognised yet (and if the new scan fails, nothing ever): the old
    # text must not be found through this paper
    assert search(ctx, ADMIN, "Nơi sinh").total == 0


def test_every_output_of_the_old_scan_is_swept_even_pages_the_new_one_lacks(
    ctx: Context,
) -> None:
    paper = _recognised(ctx, _two_pages())
    intake.replace_scan(ctx, ADMIN, paper, intake.Upload("b.png", io.BytesIO(scan(3))))
    assert process_document(ctx, paper) is not None
    sweep_orphans(ctx, grace_seconds=0)
    left = [e.key for e in ctx.store.list(f"documents/{paper}/")]
    assert not [key for key in left if "0002" in key], left  # the new scan has one page
    assert len([key for key in left if key.endswith(".hocr")]) == 1


def test_a_late_result_of_the_old_scan_cannot_overwrite_the_new_scans(ctx: Context) -> None:
    upload = intake.Upload("a.png", io.BytesIO(scan(1)))
    (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    old = ctx.queue.claim(paper.id, "late/1/a", timedelta(minutes=5)).claimed
    assert old is not None
    intake.replace_scan(ctx, ADMIN, paper.id, intake.Upload("b.png", io.BytesIO(scan(2))))
    assert process_document(ctx, paper.id) is not None
    current = ctx.catalog.get_document(paper.id)
    before = {e.key: ctx.store.get(e.key) for e in ctx.store.list(f"documents/{paper.id}/")}
    late = DocumentResult(
        pages=[PageResult(number=1, width=1, height=1, text="cũ", words=[], mean_confidence=90)],
        languages="vie",
    )
    assert record_result(ctx, old, late) is None  # dropped
    assert [p.text for p in ctx.catalog.get_document(paper.id).pages] == [
        p.text for p in current.pages
    ]
    for key, data in before.items():
        assert ctx.store.get(key) == data, key
