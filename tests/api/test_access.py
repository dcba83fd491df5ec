"""Role and agency boundaries: who may do what to which citizen's papers."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text

from models.auth import Role
from services import auth
from tests.conftest import AGENCY, DOSSIER, OTHER_AGENCY, PASSWORD, assert_error_body, sign_in

OTHER_DOSSIER = {**DOSSIER, "code": f"{OTHER_AGENCY}-240115-0001"}
PUBLIC = {"/healthz", "/api/v1/healthz", "/api/v1/auth/token", "/api/v1/downloads/{token}"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (300, 200), 255).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def paper(client: TestClient, dossier: dict[str, str]) -> str:
    """A document in agency A's dossier, uploaded by agency A's clerk."""
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("cccd.png", _png(), "image/png"))],
    )
    assert response.status_code == 202, response.text
    return str(response.json()["document_ids"][0])


def _as(client: TestClient, headers: dict[str, str]) -> TestClient:
    client.headers.update(headers)
    return client


def test_every_route_but_the_public_ones_needs_a_user(anonymous: TestClient) -> None:
    spec = anonymous.get("/openapi.json").json()
    checked = 0
    for path, operations in spec["paths"].items():
        if path in PUBLIC:
            continue
        concrete = path.replace("{code}", DOSSIER["code"]).replace("{document_id}", "x")
        for method in operations:
            response = anonymous.request(method.upper(), concrete)
            assert_error_body(response, 401, "unauthenticated")
            assert response.headers["www-authenticate"] == "Bearer"
            checked += 1
    assert checked >= 10


def test_wrong_password_and_unknown_user_are_the_same_401(anonymous: TestClient) -> None:
    ctx = anonymous.app.state.context  # type: ignore[attr-defined]
    auth.add_user(ctx, "lan", Role.CLERK, AGENCY, PASSWORD)
    for username, password in (("lan", "sai-mat-khau-roi"), ("nobody", PASSWORD)):
        response = anonymous.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        error = assert_error_body(response, 401, "unauthenticated")
        assert error["message"] == "Sai tên đăng nhập hoặc mật khẩu"


def test_an_expired_token_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/auth/me").status_code == 200
    engine = client.app.state.context.catalog.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(text("UPDATE credentials SET expires_at = '2000-01-01 00:00:00'"))
    error = assert_error_body(client.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert "hết hạn" in error["message"]


def test_logout_revokes_the_token(client: TestClient) -> None:
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert_error_body(client.get("/api/v1/auth/me"), 401)


def test_api_keys_act_as_their_user(anonymous: TestClient) -> None:
    ctx = anonymous.app.state.context  # type: ignore[attr-defined]
    auth.add_user(ctx, "backfile-bot", Role.ARCHIVIST, AGENCY, PASSWORD)
    key = auth.issue_api_key(ctx, "backfile-bot", "backfile")
    me = anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key}).json()
    assert me == {"username": "backfile-bot", "role": "archivist", "agency_code": AGENCY}
    assert_error_body(anonymous.get("/api/v1/auth/me", headers={"X-API-Key": key + "x"}), 401)


def test_clerk_of_another_agency_sees_nothing_of_agency_a(
    client: TestClient, paper: str, dossier: dict[str, str]
) -> None:
    other = _as(client, sign_in(client, "clerk-b", Role.CLERK, OTHER_AGENCY))
    assert_error_body(other.get(f"/api/v1/dossiers/{dossier['code']}"), 404, "not_found")
    for suffix in ("", "/text", "/original", "/pdf", "/pages/1/hocr", "/pages/1/alto"):
        assert_error_body(other.get(f"/api/v1/documents/{paper}{suffix}"), 404, "not_found")
    assert_error_body(other.post(f"/api/v1/documents/{paper}/download-link"), 404)
    upload = other.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("x.png", _png(), "image/png"))],
    )
    assert_error_body(upload, 404)
    # an existing paper of another agency answers exactly like a missing one
    missing = other.get("/api/v1/documents/0123456789abcdef0123456789abcdef").json()
    hidden = other.get(f"/api/v1/documents/{paper}").json()
    assert missing["error"]["code"] == hidden["error"]["code"]
    assert missing["error"]["message"] == hidden["error"]["message"]


def test_a_clerk_opens_dossiers_only_for_its_own_agency(client: TestClient) -> None:
    error = assert_error_body(client.post("/api/v1/dossiers", json=OTHER_DOSSIER), 403, "forbidden")
    assert error["detail"]["agency_code"] == OTHER_AGENCY


def test_officer_reads_and_cannot_create_or_upload(
    client: TestClient, paper: str, dossier: dict[str, str]
) -> None:
    officer = _as(client, sign_in(client, "officer", Role.OFFICER, AGENCY))
    assert officer.get(f"/api/v1/documents/{paper}").status_code == 200
    assert_error_body(
        officer.post("/api/v1/dossiers", json={**DOSSIER, "code": DOSSIER["code"][:-1] + "2"}), 403
    )
    upload = officer.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("x.png", _png(), "image/png"))],
    )
    assert_error_body(upload, 403, "forbidden")
    assert_error_body(officer.get("/api/v1/audit"), 403, "forbidden")


def test_auditor_reads_the_log_but_never_a_paper(client: TestClient, paper: str) -> None:
    auditor = _as(client, sign_in(client, "auditor", Role.AUDITOR, None))
    assert auditor.get("/api/v1/audit").status_code == 200
    for suffix in ("", "/text", "/original", "/pdf", "/pages/1/alto"):
        assert_error_body(auditor.get(f"/api/v1/documents/{paper}{suffix}"), 403, "forbidden")


def test_clerk_cannot_read_the_audit_log(client: TestClient) -> None:
    assert_error_body(client.get("/api/v1/audit"), 403, "forbidden")
    assert_error_body(client.get("/api/v1/audit/export.csv"), 403, "forbidden")


def test_admin_sees_every_agency(client: TestClient, paper: str) -> None:
    admin = _as(client, sign_in(client, "root", Role.ADMIN, None))
    assert admin.get(f"/api/v1/documents/{paper}").status_code == 200
    assert admin.post("/api/v1/dossiers", json=OTHER_DOSSIER).status_code == 201


def test_signed_links_work_without_a_session_expire_and_cannot_be_forged(
    client: TestClient, paper: str
) -> None:
    link = client.post(f"/api/v1/documents/{paper}/download-link").json()
    path = link["url"].removeprefix("http://testserver")
    del client.headers["Authorization"]
    response = client.get(path)
    assert response.status_code == 200 and response.content == _png()
    token = path.rsplit("/", 1)[1]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert_error_body(client.get(f"/api/v1/downloads/{forged}"), 401)

    from services import links

    ctx = client.app.state.context  # type: ignore[attr-defined]
    key = links.secret_key(ctx.settings)
    expired, _ = links.sign(key, document_id=paper, user_id=1, seconds=-1)
    error = assert_error_body(client.get(f"/api/v1/downloads/{expired}"), 401)
    assert "hết hạn" in error["message"]


def test_a_signed_link_carries_no_more_right_than_its_owner(client: TestClient, paper: str) -> None:
    from services import links

    other = _as(client, sign_in(client, "clerk-b", Role.CLERK, OTHER_AGENCY))
    ctx = client.app.state.context  # type: ignore[attr-defined]
    principal = ctx.accounts.user("clerk-b")[0]
    token, _ = links.sign(
        links.secret_key(ctx.settings), document_id=paper, user_id=principal.user_id, seconds=60
    )
    assert_error_body(other.get(f"/api/v1/downloads/{token}"), 404)


def test_a_hand_typed_link_with_vietnamese_characters_is_a_clean_401(anonymous: TestClient) -> None:
    # found by the schemathesis fuzz: hmac.compare_digest refuses non-ASCII str
    assert_error_body(anonymous.get("/api/v1/downloads/giấy.tờ"), 401, "unauthenticated")
