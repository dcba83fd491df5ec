"""The audit trail: every read of a paper leaves a row, and rows cannot be changed."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from models.auth import Role
from tests.api.test_access import _png
from tests.conftest import AGENCY, OTHER_AGENCY, sign_in


@pytest.fixture
def paper(client: TestClient, dossier: dict[str, str]) -> str:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("=cmd.png", _png(), "image/png"))],
    )
    return str(response.json()["document_ids"][0])


def _events(client: TestClient, **params: str) -> list[dict[str, object]]:
    auditor = sign_in(client, f"auditor-{len(params)}-{id(params)}", Role.AUDITOR, None)
    response = client.get("/api/v1/audit", params=params, headers=auditor)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def test_reads_downloads_and_denials_are_recorded_with_who_when_where(
    client: TestClient, paper: str, dossier: dict[str, str]
) -> None:
    client.get(f"/api/v1/documents/{paper}")
    client.get(f"/api/v1/documents/{paper}/original")
    other = sign_in(client, "clerk-b", Role.CLERK, OTHER_AGENCY)
    client.get(f"/api/v1/documents/{paper}", headers=other)

    events = _events(client, object_id=paper)
    summary = [(e["actor"], e["action"], e["outcome"]) for e in events]
    assert summary == [
        ("clerk", "upload", "allowed"),
        ("clerk", "read", "allowed"),
        ("clerk", "download", "allowed"),
        ("clerk-b", "denied", "denied"),
    ]
    read = events[1]
    assert read["dossier_code"] == dossier["code"]
    assert read["agency_code"] == AGENCY and read["role"] == "clerk"
    assert read["origin"] == "testclient" and read["at"]


def test_logins_and_failed_logins_are_recorded(client: TestClient) -> None:
    client.post("/api/v1/auth/token", data={"username": "clerk", "password": "wrong-password"})
    actions = [(e["actor"], e["action"]) for e in _events(client, actor="clerk")]
    assert ("clerk", "login") in actions and ("clerk", "login_failed") in actions


def test_reading_the_log_is_itself_recorded(client: TestClient) -> None:
    _events(client)
    assert any(e["action"] == "audit_read" for e in _events(client))


def test_the_log_is_append_only_in_the_database(client: TestClient, paper: str) -> None:
    engine = client.app.state.context.catalog.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_events SET actor = 'someone else'", "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar()


def test_csv_export_has_every_event_and_defuses_formulas(client: TestClient, paper: str) -> None:
    auditor = sign_in(client, "auditor", Role.AUDITOR, None)
    response = client.get("/api/v1/audit/export.csv", headers=auditor)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    json_count = client.get("/api/v1/audit", headers=auditor).json()["count"]
    assert len(rows) == json_count - 1  # the JSON call after the export recorded one more read
    upload = next(r for r in rows if r["action"] == "upload")
    assert upload["detail"] == "'=cmd.png"
