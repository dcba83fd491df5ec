"""`GET /api/v1/search` over real HTTP handling: a scan is searchable once recognised, errors
carry our one body, and nothing a user types makes a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from models.auth import Role
from tests.conftest import DOSSIER, assert_error_body, sign_in, wait_finished


def test_a_recognised_scan_is_found_without_marks(
    client: TestClient, dossier: dict[str, str], vietnamese_png: bytes
) -> None:
    uploaded = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("quyet-dinh.png", vietnamese_png, "image/png"))],
    )
    document_id = uploaded.json()["document_ids"][0]
    assert wait_finished(client, document_id)["status"] in ("done", "needs_review")
    response = client.get("/api/v1/search", params={"q": "quyet dinh"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] >= 1 and body["total_exact"] is True
    hit = body["hits"][0]
    assert (hit["dossier_code"], hit["document_id"], hit["page"]) == (
        DOSSIER["code"],
        document_id,
        1,
    )
    assert "<mark>QUYẾT</mark> <mark>ĐỊNH</mark>" in hit["snippet"]
    by_applicant = client.get("/api/v1/search", params={"q": "nguyen van an", "limit": 1})
    assert by_applicant.json()["hits"][0]["document_id"] == document_id


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 10_000},
        {"q": "!!!"},
        {"q": "an", "limit": 0},
        {"q": "an", "status": "zzz"},
    ],
)
def test_bad_searches_get_our_error_body(client: TestClient, params: dict[str, object]) -> None:
    assert_error_body(client.get("/api/v1/search", params=params), 422)


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(a b) OR c*", "'; DROP TABLE pages; --", "*a*"])
def test_operators_and_quotes_are_just_text(client: TestClient, q: str) -> None:
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


def test_search_needs_a_reader(anonymous: TestClient) -> None:
    assert_error_body(anonymous.get("/api/v1/search", params={"q": "an"}), 401)
    anonymous.headers.update(sign_in(anonymous, "kiemtoan", Role.AUDITOR, None))
    assert_error_body(anonymous.get("/api/v1/search", params={"q": "an"}), 403, "forbidden")
