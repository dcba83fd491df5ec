"""The 766 report against a fixture counted by hand, on SQLite and PostgreSQL; who may read it.

Eleven dossiers, built directly in the catalog (the report reads rows, not scans):

| dossier | agency | received | components                                   | dig. | e-res. | reuse |
| D1      | A      | 2024-01-01 | s1 done, s2 needs_review, r1 result done     | yes  | yes    |       |
| D2      | A      | 2024-01-06 | s3 done, s4 failed                           |      |        |       |
| D3      | A      | 2024-01-07 | s1 reused, s5 done                           | yes  |        | yes   |
| D4      | A      | 2024-01-08 | (nothing)                                    |      |        |       |
| D5      | A      | 2024-01-09 | s6 queued, r2 result failed                  |      |        |       |
| D6      | A      | 2024-01-10 | s3 reused (done)                             | yes  |        | yes   |
| D7      | A      | 2024-01-11 | s7 done, s8 failed but removed by the clerk  | yes  |        |       |
| D8      | B      | 2024-01-12 | s9 done, r3 result needs_review              | yes  | yes    |       |
| D9      | B      | 2024-01-31 | s10 done, s9 reused but removed              | yes  |        |       |
| D10     | A      | 2024-02-01 | s11 done, s1 reused (after the period)       |      |        |       |
| D11     | A      | 2023-12-31 | s12 done (before the period)                 |      |        |       |

January 2024, every agency: 9 dossiers, 6 digitized, 2 with an e-result, 2 reusing.
Agency A: 7, 4, 1, 2. Agency B: 2, 2, 1, 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.audit import AuditFilter
from models.auth import Actor, Principal, Role
from models.catalog import DocumentStatus
from models.errors import Forbidden, InvalidPeriod
from models.schemas import DigitizationReport
from services import auth, reports
from services.context import Context
from services.settings import Settings
from storage.catalog.repository import NewDocument
from tests.conftest import ADMIN, AGENCY, OTHER_AGENCY, PASSWORD

JANUARY = (date(2024, 1, 1), date(2024, 1, 31))
DONE, REVIEW, FAILED = DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW, DocumentStatus.FAILED

# dossier: (agency, YYMMDD, [(paper, status, role)], [reused paper], [removed paper])
FIXTURE: dict[str, tuple[str, str, list[tuple[str, DocumentStatus, str]], list[str], list[str]]] = {
    "D1": (AGENCY, "240101", [("s1", DONE, "submitted"), ("s2", REVIEW, "submitted"),
                              ("r1", DONE, "result")], [], []),
    "D2": (AGENCY, "240106", [("s3", DONE, "submitted"), ("s4", FAILED, "submitted")], [], []),
    "D3": (AGENCY, "240107", [("s5", DONE, "submitted")], ["s1"], []),
    "D4": (AGENCY, "240108", [], [], []),
    "D5": (AGENCY, "240109", [("s6", DocumentStatus.QUEUED, "submitted"),
                              ("r2", FAILED, "result")], [], []),
    "D6": (AGENCY, "240110", [], ["s3"], []),
    "D7": (AGENCY, "240111", [("s7", DONE, "submitted"), ("s8", FAILED, "submitted")], [],
           ["s8"]),
    "D8": (OTHER_AGENCY, "240112", [("s9", DONE, "submitted"), ("r3", REVIEW, "result")], [],
           []),
    "D9": (OTHER_AGENCY, "240131", [("s10", DONE, "submitted")], ["s9"], ["s9"]),
    "D10": (AGENCY, "240201", [("s11", DONE, "submitted")], ["s1"], []),
    "D11": (AGENCY, "231231", [("s12", DONE, "submitted")], [], []),
}  # fmt: skip


def _code(name: str) -> str:
    agency, received, *_ = FIXTURE[name]
    return f"{agency}-{received}-{int(name[1:]):04d}"


def _paper(name: str) -> NewDocument:
    digest = name.encode().hex().ljust(64, "0")
    return NewDocument(
        id=digest[:32],
        sha256=digest,
        object_key=f"originals/{digest}",
        filename=f"{name}.png",
        content_type="image/png",
        size=1,
        page_count=1,
        owner_id="079193002341",
    )


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[Context]:
    context = Context.open(
        Settings(data_dir=tmp_path / "data", database_url=database_url, workers=0)
    )
    for name, (agency, _received, papers, reused, removed) in FIXTURE.items():
        code = _code(name)
        context.catalog.create_dossier(
            code=code,
            procedure_code="1.001193",
            applicant_name="Nguyễn Văn An",
            applicant_id="079193002341",
            agency_code=agency,
        )
        context.catalog.add_documents(code, [_paper(paper) for paper, _, _ in papers])
        for paper, status, role in papers:
            context.catalog.set_status(_paper(paper).id, status, None)
            context.papers.update_metadata(_paper(paper).id, {"role": role})
        for paper in reused:
            context.catalog.reuse_document(code, _paper(paper).id)
        for paper in removed:
            assert context.papers.set_link_removed(code, _paper(paper).id, "clerk")
    yield context
    context.close()


def _figures(report: DigitizationReport) -> tuple[int, int, int, int]:
    return (
        report.dossiers,
        report.digitized.count,
        report.e_results.count,
        report.reusing.count,
    )


def _actor(role: Role, agency: str | None) -> Actor:
    return Actor(Principal(user_id=1, username=f"{role}", role=role, agency_code=agency), "tests")


def test_the_figures_match_the_hand_count(ctx: Context) -> None:
    every = reports.digitization(ctx, ADMIN, *JANUARY)
    assert _figures(every) == (9, 6, 2, 2)
    assert (every.digitized.share, every.e_results.share) == (round(6 / 9, 4), round(2 / 9, 4))
    assert _figures(reports.digitization(ctx, ADMIN, *JANUARY, AGENCY)) == (7, 4, 1, 2)
    assert _figures(reports.digitization(ctx, ADMIN, *JANUARY, OTHER_AGENCY)) == (2, 2, 1, 0)
    # one day: D1 only (both ends included)
    first = reports.digitization(ctx, ADMIN, date(2024, 1, 1), date(2024, 1, 1))
    assert _figures(first) == (1, 1, 1, 0)
    empty = reports.digitization(ctx, ADMIN, date(2022, 1, 1), date(2022, 12, 31))
    assert _figures(empty) == (0, 0, 0, 0) and empty.digitized.share is None


def test_an_officer_sees_their_agency_and_a_clerk_none(ctx: Context) -> None:
    officer = _actor(Role.OFFICER, OTHER_AGENCY)
    mine = reports.digitization(ctx, officer, *JANUARY)
    assert (mine.agency, _figures(mine)) == (OTHER_AGENCY, (2, 2, 1, 0))
    with pytest.raises(Forbidden):
        reports.digitization(ctx, officer, *JANUARY, AGENCY)
    with pytest.raises(Forbidden):
        reports.digitization(ctx, _actor(Role.CLERK, AGENCY), *JANUARY)
    auditor = reports.digitization(ctx, _actor(Role.AUDITOR, None), *JANUARY, AGENCY)
    assert _figures(auditor) == (7, 4, 1, 2)
    with pytest.raises(InvalidPeriod):
        reports.digitization(ctx, ADMIN, date(2024, 2, 1), date(2024, 1, 1))
    events = ctx.audit.events(AuditFilter(), limit=50, offset=0)
    reads = {(e.action, e.outcome) for e in events if e.object_type == "report"}
    assert reads == {("read", "allowed"), ("denied", "denied")}


def test_csv_defuses_formulas_and_has_one_row_per_indicator(ctx: Context) -> None:
    report = reports.digitization(ctx, ADMIN, *JANUARY, AGENCY)
    lines = reports.as_csv(report).splitlines()
    assert lines[0] == "from,to,agency,indicator,count,dossiers,share"
    assert lines[1:] == [
        f"2024-01-01,2024-01-31,{AGENCY},digitized,4,7,0.5714",
        f"2024-01-01,2024-01-31,{AGENCY},e_results,1,7,0.1429",
        f"2024-01-01,2024-01-31,{AGENCY},reusing,2,7,0.2857",
    ]
    hostile = report.model_copy(update={"agency": "=HYPERLINK(1)"})
    assert "'=HYPERLINK(1)" in reports.as_csv(hostile)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_prints_json_and_csv(ctx: Context, tmp_path: Path) -> None:
    auth.add_user(ctx, "kiemtoan", Role.AUDITOR, None, PASSWORD)
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_DATABASE_URL": ctx.settings.catalog_url}
    runner = CliRunner()
    args = ["report", "--from", "2024-01-01", "--to", "2024-01-31", "--as", "kiemtoan"]
    as_json = runner.invoke(app, args, env=env)
    assert as_json.exit_code == 0, as_json.output
    assert '"dossiers": 9' in as_json.stdout and '"count": 6' in as_json.stdout
    as_csv = runner.invoke(app, [*args, "--agency", OTHER_AGENCY, "--format", "csv"], env=env)
    assert as_csv.exit_code == 0, as_csv.output
    assert f"{OTHER_AGENCY},digitized,2,2,1.0000" in as_csv.stdout
    refused = runner.invoke(app, [*args[:-1], "nobody"], env=env)
    assert refused.exit_code == 3 and "Không tìm thấy người dùng" in refused.output
