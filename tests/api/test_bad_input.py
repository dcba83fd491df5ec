"""Bad input gets a 4xx with our one error body, and leaves nothing half-written behind."""

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from services.settings import Settings
from tests.conftest import DOSSIER, assert_error_body


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Bad input must be refused the same way on both catalogs (no recognition needed here)."""
    return Settings(data_dir=tmp_path / "data", workers=0, database_url=database_url)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((600, 600), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _nothing_stored(client: TestClient) -> None:
    ctx = client.app.state.context  # type: ignore[attr-defined]
    assert list(ctx.store.list("")) == []
    assert ctx.catalog.get_dossier(DOSSIER["code"]).links == []


def test_unknown_dossier_is_404(client: TestClient) -> None:
    assert_error_body(client.get("/api/v1/dossiers/000.00.01.H29-240115-0009"), 404, "not_found")
    response = client.post(
        "/api/v1/dossiers/000.00.01.H29-240115-0009/documents",
        files=[("files", ("a.jpg", _jpeg(), "image/jpeg"))],
    )
    assert_error_body(response, 404, "not_found")


def test_unknown_document_is_404(client: TestClient) -> None:
    for suffix in ("", "/text", "/original"):
        assert_error_body(client.get(f"/api/v1/documents/nope{suffix}"), 404, "not_found")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("code", "HS-2024-0001"),
        ("code", "000.00.01.H29-240230-0001"),
        ("procedure_code", "9.999"),
        ("applicant_id", "12345"),
        ("applicant_id", "999193002341"),
    ],
)
def test_bad_dossier_codes_are_422(client: TestClient, field: str, value: str) -> None:
    error = assert_error_body(
        client.post("/api/v1/dossiers", json={**DOSSIER, field: value}), 422, "invalid_code"
    )
    assert error["detail"]["field"] == field  # type: ignore[index]
    assert_error_body(client.get(f"/api/v1/dossiers/{DOSSIER['code']}"), 404)


def test_missing_fields_and_wrong_json_are_422(client: TestClient) -> None:
    assert_error_body(
        client.post("/api/v1/dossiers", json={"code": DOSSIER["code"]}), 422, "invalid_input"
    )
    assert_error_body(
        client.post(
            "/api/v1/dossiers", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )


def test_duplicate_dossier_is_409(client: TestClient, dossier: dict[str, str]) -> None:
    assert_error_body(client.post("/api/v1/dossiers", json=dossier), 409, "conflict")


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("empty.jpg", b"", 422, "empty_file"),
        ("notes.jpg", "Đây là tệp văn bản, không phải ảnh".encode(), 415, "unsupported_file_type"),
        ("cut.jpg", _jpeg()[:5000], 422, "corrupt_file"),
        ("fake.pdf", b"%PDF-1.4\n1 0 obj garbage", 422, "corrupt_file"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_half_written(
    client: TestClient, dossier: dict[str, str], name: str, data: bytes, status: int, code: str
) -> None:
    # a good file in the same request must not be stored either: the request is all or nothing
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[
            ("files", ("good.jpg", _jpeg(), "image/jpeg")),
            ("files", (name, data, "image/jpeg")),
        ],
    )
    error = assert_error_body(response, status, code)
    assert error["detail"]["file"] == name  # type: ignore[index]
    _nothing_stored(client)


def test_upload_without_files_is_422(client: TestClient, dossier: dict[str, str]) -> None:
    assert_error_body(client.post(f"/api/v1/dossiers/{dossier['code']}/documents"), 422)
    _nothing_stored(client)


def test_file_over_the_size_limit_is_413(client: TestClient, dossier: dict[str, str]) -> None:
    client.app.state.context.settings.max_upload_bytes = 1000  # type: ignore[attr-defined]
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("big.jpg", _jpeg(), "image/jpeg"))],
    )
    assert_error_body(response, 413, "file_too_large")
    _nothing_stored(client)


def test_unknown_route_and_method_use_the_error_body(client: TestClient) -> None:
    assert_error_body(client.get("/api/v1/nothing-here"), 404)
    assert_error_body(client.delete("/api/v1/dossiers"), 405)
