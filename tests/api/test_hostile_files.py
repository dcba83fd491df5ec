"""The hostile corpus: each file gets a 4xx with our body, nothing is stored, service keeps serving."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import assert_error_body
from tests.hostile import corpus

CASES = corpus()


@pytest.mark.parametrize(
    ("case", "name", "data", "status", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_hostile_file_is_refused_and_nothing_is_stored(
    client: TestClient,
    dossier: dict[str, str],
    case: str,
    name: str,
    data: bytes,
    status: int,
    code: str,
) -> None:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", (name, data, "image/png"))],
    )
    assert_error_body(response, status, code)
    ctx = client.app.state.context  # type: ignore[attr-defined]
    assert list(ctx.store.list("")) == []
    assert ctx.catalog.get_dossier(dossier["code"]).links == []
    assert client.get("/healthz").status_code == 200


def test_content_decides_the_type_not_the_name(client: TestClient, dossier: dict[str, str]) -> None:
    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, "PNG")
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("anh-chup.jpg", buffer.getvalue(), "image/jpeg"))],
    )
    assert response.status_code == 202
    (document_id,) = response.json()["document_ids"]
    assert client.get(f"/api/v1/documents/{document_id}").json()["content_type"] == "image/png"
