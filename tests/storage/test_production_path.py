"""The production shape end to end: PostgreSQL catalog, S3 objects, one real recognition."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from models.auth import Role
from services.settings import Settings
from tests.backends import S3Server
from tests.conftest import AGENCY, DOSSIER, sign_in, wait_finished


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_scan_goes_through_postgresql_and_s3(
    tmp_path: Path, database_url: str, s3_server: S3Server, vietnamese_png: bytes
) -> None:
    config = s3_server.config()
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        database_url=database_url,
        object_store="s3",
        s3_endpoint=config.endpoint,
        s3_access_key=config.access_key,
        s3_secret_key=config.secret_key,  # type: ignore[arg-type]
        s3_bucket=config.bucket,
        s3_secure=False,
        s3_region=config.region,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.headers.update(sign_in(client, "clerk", Role.CLERK, AGENCY))
        assert client.get("/healthz").json()["checks"] == {"catalog": "ok", "object_store": "ok"}
        client.post("/api/v1/dossiers", json=DOSSIER)
        response = client.post(
            f"/api/v1/dossiers/{DOSSIER['code']}/documents",
            files=[("files", ("giay-to.png", vietnamese_png, "image/png"))],
        )
        assert response.status_code == 202, response.text
        (document_id,) = response.json()["document_ids"]
        document = wait_finished(client, document_id)
        assert document["status"] == "done", document

        store = client.app.state.context.store  # type: ignore[attr-defined]
        keys = [entry.key for entry in store.list("")]
        # a scan's outputs live under that scan (storage/keys.py)
        scan = f"documents/{document_id}/scans/{document['sha256'][:16]}"
        assert sorted(keys) == sorted(
            [
                f"originals/{document['sha256'][:2]}/{document['sha256']}",
                f"{scan}/pages/0001.json",
                f"{scan}/pages/0001.hocr",
                f"{scan}/document.pdf",
            ]
        )
        page = json.loads(store.get(f"{scan}/pages/0001.json"))
        assert page["number"] == 1 and page["words"]
        assert client.get(f"/api/v1/documents/{document_id}/original").content == vietnamese_png
    # no local object folder was used
    assert not (tmp_path / "data" / "objects").exists()
