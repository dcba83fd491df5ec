"""A paper never crosses agencies, whoever uploads or links it: an admin, who sees every agency,
uploading agency A's exact file into agency B's dossier makes a new paper of B (the bytes stored
once, the paper catalogued twice), and cannot link A's paper into B's dossier either."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from models.auth import Actor, Principal, Role
from models.errors import Conflict, NotFound
from models.schemas import DossierCreate
from services import counter, intake, queries
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, AGENCY, DOSSIER, OTHER_AGENCY

A_CODE = f"{AGENCY}-240115-0001"
B_CODE = f"{OTHER_AGENCY}-240115-0001"
B_CLERK = Actor(Principal(user_id=8, username="b", role=Role.CLERK, agency_code=OTHER_AGENCY))


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    for code in (A_CODE, B_CODE):
        intake.create_dossier(context, ADMIN, DossierCreate(**{**DOSSIER, "code": code}))
    yield context
    context.close()


def _scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 90).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(ctx: Context, code: str) -> tuple[str, bool]:
    upload = intake.Upload("cccd.png", io.BytesIO(_scan()))
    (accepted,) = intake.upload_documents(ctx, ADMIN, code, [upload], assess=False)
    return accepted.id, accepted.reused


def test_an_admins_upload_of_a_file_another_agency_holds_is_a_new_paper(ctx: Context) -> None:
    a_paper, _ = _upload(ctx, A_CODE)
    b_paper, reused = _upload(ctx, B_CODE)
    assert not reused and b_paper != a_paper
    assert [code for code, _ in ctx.catalog.document_dossiers(a_paper)] == [A_CODE]
    assert len(list(ctx.store.list("originals/"))) == 1  # the bytes once
    assert queries.document(ctx, B_CLERK, b_paper).id == b_paper
    with pytest.raises(NotFound):
        queries.document(ctx, B_CLERK, a_paper)


def test_the_same_file_again_in_the_same_agency_is_still_reused(ctx: Context) -> None:
    first, _ = _upload(ctx, A_CODE)
    second_code = f"{AGENCY}-240116-0001"
    intake.create_dossier(ctx, ADMIN, DossierCreate(**{**DOSSIER, "code": second_code}))
    again, reused = _upload(ctx, second_code)
    assert reused and again == first


def test_an_admin_cannot_link_another_agencys_paper(ctx: Context) -> None:
    a_paper, _ = _upload(ctx, A_CODE)
    with pytest.raises(Conflict):
        counter.reuse_in_dossier(ctx, ADMIN, B_CODE, a_paper)
    assert [code for code, _ in ctx.catalog.document_dossiers(a_paper)] == [A_CODE]
