"""'Use the earlier copy' checks everything a reuse checks, before it links anything."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from models.auth import Actor, Principal, Role
from models.errors import NotFound, PaperExpired
from models.schemas import DossierCreate
from services import counter, intake
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, AGENCY, DOSSIER, OTHER_AGENCY

FIRST = f"{AGENCY}-240115-0001"
SECOND = f"{AGENCY}-240301-0001"
ELSEWHERE = f"{AGENCY}-240302-0001"
CLERK = Actor(Principal(user_id=7, username="a", role=Role.CLERK, agency_code=AGENCY))


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    for code in (FIRST, SECOND, ELSEWHERE, f"{OTHER_AGENCY}-240115-0001"):
        intake.create_dossier(context, ADMIN, DossierCreate(**{**DOSSIER, "code": code}))
    yield context
    context.close()


def _paper(ctx: Context, code: str, shade: int) -> str:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), shade).save(buffer, "PNG")
    upload = intake.Upload("a.png", io.BytesIO(buffer.getvalue()))
    (accepted,) = intake.upload_documents(ctx, ADMIN, code, [upload], assess=False)
    return accepted.id


def _codes(ctx: Context, document_id: str) -> set[str]:
    return {code for code, _ in ctx.catalog.document_dossiers(document_id)}


def test_a_scan_of_another_dossier_links_nothing(ctx: Context) -> None:
    earlier = _paper(ctx, FIRST, 10)
    rescan = _paper(ctx, ELSEWHERE, 20)
    ctx.papers.set_duplicate_of(rescan, earlier)
    with pytest.raises(NotFound):
        counter.use_earlier(ctx, CLERK, SECOND, rescan)  # the rescan is not in SECOND
    assert _codes(ctx, earlier) == {FIRST}


def test_an_expired_earlier_copy_is_not_linked(ctx: Context) -> None:
    earlier = _paper(ctx, FIRST, 10)
    rescan = _paper(ctx, SECOND, 20)
    ctx.papers.update_metadata(earlier, {"valid_until": date(2020, 1, 1)})
    ctx.papers.set_duplicate_of(rescan, earlier)
    with pytest.raises(PaperExpired):
        counter.use_earlier(ctx, CLERK, SECOND, rescan)
    assert _codes(ctx, earlier) == {FIRST} and _codes(ctx, rescan) == {SECOND}


def test_an_earlier_copy_the_clerk_cannot_read_is_not_linked(ctx: Context) -> None:
    earlier = _paper(ctx, f"{OTHER_AGENCY}-240115-0001", 10)
    rescan = _paper(ctx, SECOND, 20)
    ctx.papers.set_duplicate_of(rescan, earlier)
    with pytest.raises(NotFound):
        counter.use_earlier(ctx, CLERK, SECOND, rescan)
    assert _codes(ctx, earlier) == {f"{OTHER_AGENCY}-240115-0001"}


def test_the_earlier_copy_takes_the_rescans_place(ctx: Context) -> None:
    earlier = _paper(ctx, FIRST, 10)
    rescan = _paper(ctx, SECOND, 20)
    ctx.papers.set_duplicate_of(rescan, earlier)
    assert counter.use_earlier(ctx, CLERK, SECOND, rescan) == earlier
    assert _codes(ctx, earlier) == {FIRST, SECOND} and _codes(ctx, rescan) == set()
