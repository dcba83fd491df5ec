import shutil

from fastapi.testclient import TestClient


def test_healthz_checks_catalog_and_object_store(client: TestClient) -> None:
    for path in ("/healthz", "/api/v1/healthz"):
        body = client.get(path).json()
        assert body == {"status": "ok", "checks": {"catalog": "ok", "object_store": "ok"}}


def test_healthz_is_503_when_the_object_store_is_gone(client: TestClient) -> None:
    store = client.app.state.context.store  # type: ignore[attr-defined]
    shutil.rmtree(store.root, ignore_errors=True)
    store.root.parent.mkdir(parents=True, exist_ok=True)
    store.root.write_bytes(b"")  # a file where the folder was: even root cannot write there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unhealthy"
    assert response.json()["checks"]["object_store"].startswith("store_unavailable")
    assert response.json()["checks"]["catalog"] == "ok"


def test_openapi_documents_the_routes_and_error_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/v1/dossiers",
        "/api/v1/dossiers/{code}",
        "/api/v1/dossiers/{code}/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/text",
        "/api/v1/documents/{document_id}/original",
        "/healthz",
    } <= set(spec["paths"])
    assert "ErrorBody" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200
