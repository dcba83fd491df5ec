"""A change and its audit row are committed together: when the audit row cannot be written,
the change does not happen either (before, the change was committed first and its audit row in
a transaction of its own, lost to a crash or an error in between)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models.errors import SohoaError
from models.schemas import DocumentUpdate, DossierCreate
from services import counter, intake
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, DOSSIER


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    yield context
    context.close()


def _audit_down(ctx: Context) -> None:
    """From now on no audit row can be written (a full disk, a lost connection, a bug)."""
    with ctx.catalog.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "BEGIN SELECT RAISE(ABORT, 'audit down'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION audit_down() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'audit down'; END; $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_events "
                    "FOR EACH ROW EXECUTE FUNCTION audit_down()"
                )
            )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 77).save(buffer, "PNG")
    return buffer.getvalue()


def test_no_dossier_without_its_audit_row(ctx: Context) -> None:
    _audit_down(ctx)
    with pytest.raises((DBAPIError, SohoaError)):
        intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    assert ctx.catalog.find_dossier(DOSSIER["code"]) is None


def test_no_upload_without_its_audit_rows(ctx: Context) -> None:
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    _audit_down(ctx)
    with pytest.raises((DBAPIError, SohoaError)):
        intake.upload_documents(
            ctx, ADMIN, DOSSIER["code"], [intake.Upload("a.png", io.BytesIO(_png()))]
        )
    assert ctx.catalog.get_dossier(DOSSIER["code"]).links == []


def test_no_metadata_change_without_its_audit_row(ctx: Context) -> None:
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    upload = intake.Upload("a.png", io.BytesIO(_png()))
    (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    _audit_down(ctx)
    with pytest.raises((DBAPIError, SohoaError)):
        counter.update_document(ctx, ADMIN, paper.id, DocumentUpdate(issuer="UBND xã"))
    with pytest.raises((DBAPIError, SohoaError)):
        counter.remove_from_dossier(ctx, ADMIN, DOSSIER["code"], paper.id)
    assert ctx.catalog.get_document(paper.id).issuer is None
    assert [code for code, _ in ctx.catalog.document_dossiers(paper.id)] == [DOSSIER["code"]]
