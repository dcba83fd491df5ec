"""The audit row says who did what to which paper, never the paper's values: the auditor, who
may read the whole log, never reads a paper (no metadata values, no search words, no IDs)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from models.audit import AuditFilter
from models.auth import AuditAction
from models.schemas import DocumentUpdate, DossierCreate
from services import counter, intake
from services.context import Context
from services.search import search
from services.settings import Settings
from tests.conftest import ADMIN, DOSSIER

APPLICANT = DOSSIER["applicant_id"]


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    intake.create_dossier(context, ADMIN, DossierCreate(**DOSSIER))
    yield context
    context.close()


def _rows(ctx: Context, action: AuditAction) -> list[str]:
    """Every column of the matching rows, as one text each."""
    events = ctx.audit.events(AuditFilter(action=action), limit=100, offset=0)
    return [
        " ".join(str(getattr(e, c)) for c in ("object_id", "dossier_code", "detail"))
        for e in events
    ]


def test_a_metadata_change_names_the_fields_not_their_values(ctx: Context) -> None:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), 120).save(buffer, "PNG")
    upload = intake.Upload("a.png", io.BytesIO(buffer.getvalue()))
    (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    change = DocumentUpdate(issuer="Công an tỉnh Bình Dương", number_symbol="123/KS-2019")
    counter.update_document(ctx, ADMIN, paper.id, change)
    (row,) = _rows(ctx, AuditAction.CHANGE)
    assert "issuer" in row and "number_symbol" in row
    assert "Bình Dương" not in row and "123/KS" not in row


def test_a_search_is_audited_without_its_words(ctx: Context) -> None:
    search(ctx, ADMIN, f"Nguyễn Văn An {APPLICANT}")
    (row,) = _rows(ctx, AuditAction.SEARCH)
    assert "Nguy" not in row and APPLICANT not in row
    assert '"words": 4' in row


def test_an_applicant_lookup_names_the_person_by_pseudonym_only(ctx: Context) -> None:
    counter.applicant_papers(ctx, ADMIN, APPLICANT)
    counter.applicant_papers(ctx, ADMIN, APPLICANT)
    rows = [r for r in _rows(ctx, AuditAction.READ) if "pid:" in r]
    assert len(rows) == 2 and all(APPLICANT not in r for r in rows)
    # the same person twice, and an auditor holding the key can tell which one
    from services.audit import pseudonym

    assert rows[0].split()[0] == rows[1].split()[0] == pseudonym(ctx, APPLICANT)
