"""Another agency's paper costs what a missing one costs to refuse: the same statements run and
the same audit row is written, so neither the answer nor its time tells them apart. Counted in
SQL statements on the real engine (SQLite and PostgreSQL), never in milliseconds."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event

from models.audit import AuditFilter
from models.auth import Actor, Principal, Role
from models.errors import NotFound
from models.schemas import DossierCreate
from services import counter, intake, queries
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, AGENCY, DOSSIER, OTHER_AGENCY

CLERK = Actor(Principal(user_id=7, username="a", role=Role.CLERK, agency_code=AGENCY), "x")
APPLICANT = DOSSIER["applicant_id"]


@pytest.fixture
def ctx(database_url: str, tmp_path: Path) -> Iterator[Context]:
    context = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    yield context
    context.close()


def _png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (64, 48), shade).save(buffer, "PNG")
    return buffer.getvalue()


def _dossier(ctx: Context, code: str) -> None:
    intake.create_dossier(ctx, ADMIN, DossierCreate(**{**DOSSIER, "code": code}))


def _paper(ctx: Context, code: str, shade: int) -> str:
    upload = intake.Upload(f"{shade}.png", io.BytesIO(_png(shade)))
    (accepted,) = intake.upload_documents(ctx, ADMIN, code, [upload], assess=False)
    return accepted.id


class Statements:
    def __init__(self, ctx: Context) -> None:
        self.seen: list[str] = []
        event.listen(ctx.catalog.engine, "before_cursor_execute", self._seen)

    def _seen(self, _c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        self.seen.append(statement.split()[0].upper())

    def during(self, call: Any) -> list[str]:
        self.seen.clear()
        with pytest.raises(NotFound):
            call()
        return list(self.seen)


def _last_denial(ctx: Context) -> tuple[object, ...]:
    events = ctx.audit.events(AuditFilter(), limit=1000, offset=0)
    last = events[-1]
    return (last.action, last.outcome, last.object_type, last.actor)


def test_a_hidden_dossier_and_a_missing_one_cost_the_same(ctx: Context) -> None:
    hidden = f"{OTHER_AGENCY}-240115-0001"
    _dossier(ctx, hidden)
    statements = Statements(ctx)
    cost_hidden = statements.during(lambda: queries.dossier(ctx, CLERK, hidden))
    trace_hidden = _last_denial(ctx)
    cost_missing = statements.during(
        lambda: queries.dossier(ctx, CLERK, f"{OTHER_AGENCY}-240115-0002")
    )
    assert cost_hidden == cost_missing
    assert _last_denial(ctx) == trace_hidden == ("denied", "denied", "dossier", "a")


def test_a_hidden_paper_and_a_missing_one_cost_the_same(ctx: Context) -> None:
    hidden = f"{OTHER_AGENCY}-240115-0001"
    _dossier(ctx, hidden)
    paper = _paper(ctx, hidden, 200)
    statements = Statements(ctx)
    cost_hidden = statements.during(lambda: queries.document(ctx, CLERK, paper))
    trace_hidden = _last_denial(ctx)
    cost_missing = statements.during(lambda: queries.document(ctx, CLERK, uuid.uuid4().hex))
    assert cost_hidden == cost_missing
    assert _last_denial(ctx) == trace_hidden == ("denied", "denied", "document", "a")


def test_another_agencys_papers_of_the_applicant_cost_nothing_and_push_none_off(
    ctx: Context,
) -> None:
    ours = f"{AGENCY}-240115-0001"
    theirs = f"{OTHER_AGENCY}-240115-0001"
    _dossier(ctx, ours)
    _dossier(ctx, theirs)
    mine = _paper(ctx, ours, 10)
    statements = Statements(ctx)
    statements.seen.clear()
    before = counter.applicant_papers(ctx, CLERK, APPLICANT)
    cost_before = list(statements.seen)
    for shade in range(20, 25):  # newer papers of the same applicant, in the other agency
        _paper(ctx, theirs, shade)
    statements.seen.clear()
    after = counter.applicant_papers(ctx, CLERK, APPLICANT)
    assert cost_before == statements.seen
    assert [p.id for p in before] == [p.id for p in after] == [mine]


def test_newer_papers_elsewhere_do_not_push_ours_off_the_list(ctx: Context) -> None:
    ours = f"{AGENCY}-240115-0001"
    theirs = f"{OTHER_AGENCY}-240115-0001"
    _dossier(ctx, ours)
    _dossier(ctx, theirs)
    mine = _paper(ctx, ours, 10)
    for shade in range(20, 23):
        _paper(ctx, theirs, shade)
    found = ctx.catalog.documents_of_owner(APPLICANT, agencies=[AGENCY], limit=1)
    assert [row.id for row in found] == [mine]
