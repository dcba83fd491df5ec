"""`process_document`, what every Celery task runs: idempotent, and a dead holder is taken over."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from models.auth import Actor, Role
from models.errors import Busy
from models.schemas import DossierCreate
from services import auth, intake
from services.context import Context
from services.processing import process_document
from services.settings import Settings
from storage.catalog.tables import DocumentRow, utcnow
from tests.conftest import PASSWORD
from tests.services.shelf import AGENCY, APPLICANT_ID, dossier_code, scan


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path / "data", workers=0, max_attempts=2))
    yield context
    context.close()


@pytest.fixture
def document_id(ctx: Context) -> str:
    principal, _ = auth.add_user(ctx, "luutru", Role.ARCHIVIST, AGENCY, PASSWORD)
    actor = Actor(principal)
    new = DossierCreate(
        code=dossier_code(1),
        procedure_code="1.001193",
        applicant_name="An",
        applicant_id=APPLICANT_ID,
    )
    intake.create_dossier(ctx, actor, new)
    upload = intake.Upload("a.png", io.BytesIO(scan(1)))
    (created,) = intake.upload_documents(ctx, actor, new.code, [upload])
    return created.id


def held_for(ctx: Context, document_id: str, seconds: float) -> None:
    """As if another machine's worker held the document under a lease that ends in `seconds`
    (already ended when negative: that worker died and stopped renewing it)."""
    with ctx.catalog.engine.begin() as connection:
        connection.execute(
            update(DocumentRow)
            .where(DocumentRow.id == document_id)
            .values(
                status="processing",
                lease_owner="elsewhere/1/x",
                lease_until=utcnow() + timedelta(seconds=seconds),
            )
        )


def test_a_task_delivered_twice_recognises_once(ctx: Context, document_id: str) -> None:
    assert process_document(ctx, document_id) in ("done", "needs_review")
    assert process_document(ctx, document_id) is None
    assert ctx.catalog.get_document(document_id).attempts == 1


def test_a_document_held_by_a_live_worker_is_busy(ctx: Context, document_id: str) -> None:
    held_for(ctx, document_id, 60)
    with pytest.raises(Busy):
        process_document(ctx, document_id)
    assert ctx.catalog.get_document(document_id).status == "processing"


def test_a_dead_workers_document_is_taken_over_then_given_up(
    ctx: Context, document_id: str
) -> None:
    held_for(ctx, document_id, -1)  # claimed once (attempts 0 → as left by intake)
    status = process_document(ctx, document_id)
    assert status in ("done", "needs_review")
    assert ctx.catalog.get_document(document_id).attempts == 1

    # a document that keeps killing its workers: after max_attempts claims it fails for good
    with ctx.catalog.engine.begin() as connection:
        connection.execute(update(DocumentRow).values(attempts=2))
    held_for(ctx, document_id, -1)
    assert process_document(ctx, document_id) == "failed"
    assert "nhiều lần" in (ctx.catalog.get_document(document_id).reason or "")
