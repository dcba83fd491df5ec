"""The request id: taken from X-Request-ID when it is a plain token, made otherwise, answered
in the same header, and written on the document and on the audit rows of the request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from models.auth import Role
from tests.api.test_access import _png
from tests.conftest import sign_in


def _audit(client: TestClient, request_id: str) -> list[dict[str, object]]:
    auditor = sign_in(client, f"auditor-{request_id[:8]}", Role.AUDITOR, None)
    response = client.get("/api/v1/audit", headers=auditor)
    assert response.status_code == 200, response.text
    return [e for e in response.json()["data"] if e["request_id"] == request_id]


def test_the_callers_id_is_answered_and_follows_the_upload_into_its_rows(
    client: TestClient, dossier: dict[str, str]
) -> None:
    given = "a1b2c3d4-0000-4000-8000-upload000001"
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("giay.png", _png(), "image/png"))],
        headers={"X-Request-ID": given},
    )
    assert response.status_code == 202, response.text
    assert response.headers["X-Request-ID"] == given
    (document_id,) = response.json()["document_ids"]
    ctx = client.app.state.context  # type: ignore[attr-defined]
    with ctx.catalog.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT request_id FROM documents WHERE id = :id"), {"id": document_id}
        ).scalar_one()
    assert stored == given  # the in-process worker claims it with this id
    rows = _audit(client, given)
    assert [(e["action"], e["object_id"]) for e in rows] == [("upload", document_id)]

    read = client.get(f"/api/v1/documents/{document_id}", headers={"X-Request-ID": "read-12345678"})
    assert read.headers["X-Request-ID"] == "read-12345678"
    assert [e["action"] for e in _audit(client, "read-12345678")] == ["read"]


@pytest.mark.parametrize(
    "given",
    [None, "", "short", "x" * 65, "Nguyễn Văn An", "id with spaces 123", "a\tb-0123456789"],
)
def test_an_absent_or_odd_id_is_replaced_by_a_new_one(
    anonymous: TestClient, given: str | None
) -> None:
    # a header's bytes as a client sends them (UTF-8 of a name, a tab)
    headers = {} if given is None else {"X-Request-ID": given.encode()}
    response = anonymous.get("/healthz", headers=headers)
    answered = response.headers["X-Request-ID"]
    assert answered != given and len(answered) == 32 and answered.isalnum()
    # an error answers it too, and each request gets its own
    missing = anonymous.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["X-Request-ID"] not in (answered, None)
