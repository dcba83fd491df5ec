"""The whole way: a running API receives and recognises a scan, `sohoa backup` copies it while
the API runs, `sohoa restore` puts it on a new machine, and the restored API serves the same
paper, text, PDF, search hit and audit rows to the same users."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from cli.main import app
from models.auth import Role
from services.settings import Settings
from tests.conftest import PASSWORD, sign_in, wait_finished
from tests.services.shelf import scan


def _log_in(client: TestClient, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": username, "password": PASSWORD}, headers={}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _seen(client: TestClient, document_id: str, auditor: dict[str, str]) -> dict[str, object]:
    return {
        "document": client.get(f"/api/v1/documents/{document_id}").json(),
        "text": client.get(f"/api/v1/documents/{document_id}/text").json(),
        "pdf": client.get(f"/api/v1/documents/{document_id}/pdf").content,
        "hits": client.get("/api/v1/search", params={"q": "noi sinh"}).json()["hits"],
        "audit": client.get("/api/v1/audit", params={"limit": 500}, headers=auditor).json(),
    }


def test_a_running_service_comes_back_whole_on_a_new_machine(
    client: TestClient,
    dossier: dict[str, str],
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uploaded = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("giay-khai-sinh.png", scan(1), "image/png"))],
    )
    assert uploaded.status_code == 202, uploaded.text
    document_id = uploaded.json()["document_ids"][0]
    assert wait_finished(client, document_id)["status"] in ("done", "needs_review")
    auditor = sign_in(client, "auditor", Role.AUDITOR, None)
    before = _seen(client, document_id, auditor)
    assert before["hits"] and before["pdf"]

    runner = CliRunner()
    monkeypatch.setenv("SOHOA_DATA_DIR", str(settings.data_dir))  # the API is still running
    backed = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert backed.exit_code == 0, backed.output

    new_machine = tmp_path / "new-machine"
    monkeypatch.setenv("SOHOA_DATA_DIR", str(new_machine))
    restored = runner.invoke(app, ["restore", str(tmp_path / "backup")])
    assert restored.exit_code == 0, restored.output
    checked = runner.invoke(app, ["verify-store"])
    assert checked.exit_code == 0 and "0 missing, 0 corrupt, 0 orphan(s)" in checked.output

    with TestClient(create_app(Settings(data_dir=new_machine, workers=1))) as again:
        again.headers.update(_log_in(again, "clerk"))  # the users came back too
        after = _seen(again, document_id, _log_in(again, "auditor"))
    assert after["document"] == before["document"]
    assert after["text"] == before["text"] and after["pdf"] == before["pdf"]
    assert after["hits"] == before["hits"]
    rows_before = before["audit"]["data"]  # type: ignore[index]
    rows_after = after["audit"]["data"]  # type: ignore[index]
    # every row from before is there unchanged (the restored API has added its own after them)
    last = max(r["id"] for r in rows_before)
    assert [r for r in rows_after if r["id"] <= last] == rows_before
