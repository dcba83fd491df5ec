"""A paper's owner: the applicant by default at intake, corrected by what is read off the paper
(a child's birth paper carries the child's ID) and by the clerk, whose word is final."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from models.errors import InvalidCode
from models.schemas import DocumentUpdate, DossierCreate
from services import counter, intake
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, DOSSIER

CHILD = "079224000117"
CLERKS_WORD = "079224000999"


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def _paper(ctx: Context) -> str:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 30).save(buffer, "PNG")
    upload = intake.Upload("khai-sinh.png", io.BytesIO(buffer.getvalue()))
    (accepted,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    return accepted.id


def test_an_id_read_off_the_paper_replaces_the_applicant_default(ctx: Context) -> None:
    paper = _paper(ctx)
    assert ctx.catalog.get_document(paper).owner_id == DOSSIER["applicant_id"]
    ctx.papers.record_reading(paper, "{}", {"owner_id": CHILD})
    assert ctx.catalog.get_document(paper).owner_id == CHILD


def test_the_clerk_sets_the_owner_and_no_reading_overrides_it(ctx: Context) -> None:
    paper = _paper(ctx)
    counter.update_document(ctx, ADMIN, paper, DocumentUpdate(owner_id=CLERKS_WORD))
    assert ctx.catalog.get_document(paper).owner_id == CLERKS_WORD
    ctx.papers.record_reading(paper, "{}", {"owner_id": CHILD})
    assert ctx.catalog.get_document(paper).owner_id == CLERKS_WORD


@pytest.mark.parametrize("owner", ["079224000117", "025123456", "0312345678", "0312345678-001"])
def test_an_owner_is_a_personal_id_an_old_id_or_an_enterprise_code(owner: str) -> None:
    assert DocumentUpdate(owner_id=owner).owner_id == owner


@pytest.mark.parametrize("owner", ["12345", "０７９２２４０００１１７", "999224000117"])
def test_anything_else_is_refused(owner: str) -> None:
    with pytest.raises(InvalidCode):
        DocumentUpdate(owner_id=owner)
