"""The smaller holes an attack on the running service found (issue 18, item 10), each shut."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from models.auth import Role
from models.errors import CorruptFile
from ocr.formats import PNG
from ocr.load import FileInfo, inspect
from services import auth, intake
from services.audit import cell
from services.settings import Settings
from tests.conftest import AGENCY, PASSWORD, assert_error_body, sign_in


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (120, 80), 255).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_huge_audit_offset_is_refused_not_a_server_error(client: TestClient) -> None:
    auditor = sign_in(client, "kiemtra", Role.AUDITOR, None)
    response = client.get("/api/v1/audit", params={"offset": 2**63}, headers=auditor)
    assert_error_body(response, 422, "invalid_input")


def test_an_error_detail_names_no_python_object_nor_path() -> None:
    with pytest.raises(CorruptFile) as refused:
        inspect(b"II*\x00" + b"\x00" * 50, max_pages=1, max_pixels=10**6)
    detail = str(refused.value.detail)
    assert "0x" not in detail and "BytesIO" not in detail, detail


def test_download_links_do_not_come_from_the_host_header(
    client: TestClient, dossier: dict[str, str]
) -> None:
    upload = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("a.png", _png(), "image/png"))],
    )
    (document_id,) = upload.json()["document_ids"]
    link = client.post(
        f"/api/v1/documents/{document_id}/download-link", headers={"Host": "evil.test"}
    ).json()["url"]
    assert "evil.test" not in link and link.startswith("/api/v1/downloads/")
    assert client.get(link).status_code == 200


def test_download_links_use_the_configured_public_address(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", workers=0, public_url="https://sohoa.hcm.gov.vn/"
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.headers.update(sign_in(client, "clerk", Role.CLERK, AGENCY))
        code = "000.00.01.H29-240115-0001"
        client.post(
            "/api/v1/dossiers",
            json={
                "code": code,
                "procedure_code": "1.001193",
                "applicant_name": "An",
                "applicant_id": "079193002341",
            },
        )
        upload = client.post(
            f"/api/v1/dossiers/{code}/documents", files=[("files", ("a.png", _png()))]
        )
        (document_id,) = upload.json()["document_ids"]
        link = client.post(f"/api/v1/documents/{document_id}/download-link").json()["url"]
    assert link.startswith("https://sohoa.hcm.gov.vn/api/v1/downloads/")


def test_logout_with_an_api_key_ends_the_key(anonymous: TestClient) -> None:
    ctx = anonymous.app.state.context  # type: ignore[attr-defined]
    auth.add_user(ctx, "bot", Role.ARCHIVIST, AGENCY, PASSWORD)
    key = auth.issue_api_key(ctx, "bot", "backfile")
    assert anonymous.post("/api/v1/auth/logout", headers={"X-API-Key": key}).status_code == 204
    assert_error_body(anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key}), 401)


@pytest.mark.parametrize("value", ["\t=HYPERLINK(1)", "\r=1+1", "=1", "+1", "-1", "@SUM(A1)"])
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(value: str) -> None:
    assert cell(value).startswith("'")


def test_no_response_may_be_framed_by_another_site(anonymous: TestClient) -> None:
    for path in ("/", "/healthz", "/api/v1/auth/me", "/openapi.json"):
        assert anonymous.get(path).headers["X-Frame-Options"] == "DENY", path
    assert "frame-ancestors 'none'" in anonymous.get("/").headers["Content-Security-Policy"]


def test_a_long_file_name_keeps_its_extension() -> None:
    info = FileInfo(PNG, 1)
    name = intake.safe_filename("giấy khai sinh " * 30 + ".jpg", info)
    assert len(name) <= 200 and name.endswith(".jpg")
    assert intake.safe_filename("scan", info) == "scan.png"
    assert intake.safe_filename("a.b.c.tif", info) == "a.b.c.tif"
