"""Certified electronic copies through the API: an officer certifies a recognised paper, the
copy is the dossier's result, downloaded by a signed link, verified; refusals in our body."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from models.auth import Role
from services.settings import Settings
from synth.pki import AGENCY_NAME, PASSWORD, Pki, make_pki
from synth.render import RenderedPage
from tests.conftest import AGENCY, DOSSIER, OTHER_AGENCY, assert_error_body, sign_in, wait_finished


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def settings(tmp_path: Path, pki: Pki) -> Settings:
    """The app's settings with the agency's key installed as an operator would."""
    return Settings(
        data_dir=tmp_path / "data",
        workers=1,
        certify_pkcs12=pki.p12,
        certify_pkcs12_password=PASSWORD,  # type: ignore[arg-type]
        certify_agency_code=AGENCY,
        certify_trust_roots=pki.root_pem,
    )


def _recognised(client: TestClient, page: RenderedPage) -> str:
    import io

    image = page.image.crop((0, 0, page.image.width, 900))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300))
    response = client.post(
        f"/api/v1/dossiers/{DOSSIER['code']}/documents",
        files=[("files", ("giay-to.png", buffer.getvalue(), "image/png"))],
    )
    assert response.status_code == 202, response.text
    document_id = str(response.json()["documents"][0]["id"])
    assert wait_finished(client, document_id)["status"] in ("done", "needs_review")
    return document_id


def _as(client: TestClient, name: str, role: Role, agency: str | None) -> dict[str, str]:
    return sign_in(client, name, role, agency)


def test_an_officer_certifies_a_paper_and_anyone_allowed_can_verify_it(
    client: TestClient, dossier: dict[str, str], vietnamese_page: RenderedPage
) -> None:
    document_id = _recognised(client, vietnamese_page)
    clerk = dict(client.headers)
    officer = _as(client, "canbo", Role.OFFICER, AGENCY)

    # a clerk may read the paper but not certify it: 403 in our body
    refused = client.post(
        f"/api/v1/documents/{document_id}/certified-copy",
        json={"copy_type": "sao_y"},
        headers=clerk,
    )
    assert_error_body(refused, 403, "forbidden")
    # an officer of another agency does not even learn the paper exists
    stranger = _as(client, "canbo-khac", Role.OFFICER, OTHER_AGENCY)
    hidden = client.post(
        f"/api/v1/documents/{document_id}/certified-copy",
        json={"copy_type": "sao_y"},
        headers=stranger,
    )
    assert_error_body(hidden, 404, "not_found")
    bad = client.post(
        f"/api/v1/documents/{document_id}/certified-copy",
        json={"copy_type": "photocopy"},
        headers=officer,
    )
    assert_error_body(bad, 422)

    made = client.post(
        f"/api/v1/documents/{document_id}/certified-copy",
        json={"copy_type": "sao_y"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    copy: dict[str, Any] = made.json()
    assert copy["source_id"] == document_id and copy["copy_type"] == "sao_y"
    assert copy["stamp"][:2] == ["SAO Y", AGENCY_NAME]
    assert copy["stamp"][2].endswith("+07:00") and not copy["timestamped"]

    # the copy is a paper of the dossier, its electronic result
    paper = client.get(f"/api/v1/documents/{copy['id']}", headers=officer).json()
    assert paper["role"] == "result" and paper["status"] == "done"
    report = client.get(
        "/api/v1/reports/digitization",
        params={"from": "2024-01-01", "to": "2024-01-31"},
        headers=officer,
    ).json()
    assert report["e_results"]["count"] == 1

    # downloaded through the existing signed link, byte for byte what was signed
    link = client.post(f"/api/v1/documents/{copy['id']}/download-link", headers=officer)
    assert link.status_code == 200, link.text
    pdf = client.get(link.json()["url"], headers={"Authorization": ""})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == copy["sha256"]
    text = subprocess.run(
        ["pdftotext", "-l", "1", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = lines.index("SAO Y")  # the page's own text comes first, in its reading order
    assert lines[start : start + 3] == copy["stamp"]

    checked = client.get(f"/api/v1/certified-copies/{copy['id']}/verification", headers=clerk)
    assert checked.status_code == 200, checked.text
    verification = checked.json()
    assert verification["verdict"] == "valid", verification
    (signature,) = verification["signatures"]
    assert signature["intact"] and not signature["changed_after_signing"]
    assert AGENCY_NAME in signature["signer_subject"]
    assert verification["pdfa"]["checked"]
    assert_error_body(
        client.get(f"/api/v1/certified-copies/{copy['id']}/verification", headers=stranger),
        404,
    )
    # a paper that is no signed copy has no verification
    assert_error_body(
        client.get(f"/api/v1/certified-copies/{document_id}/verification", headers=clerk), 404
    )

    # audited: who certified what, in the copy's own transaction
    ctx = client.app.state.context  # type: ignore[attr-defined]
    from models.audit import AuditFilter
    from models.auth import AuditAction

    rows = ctx.audit.events(AuditFilter(action=AuditAction.CERTIFY), limit=10, offset=0)
    assert [(r.object_id, r.detail) for r in rows] == [(copy["id"], f"sao_y of {document_id}")]


def test_an_expired_or_missing_certificate_is_a_clear_409(
    client: TestClient, dossier: dict[str, str], vietnamese_page: RenderedPage, pki: Pki
) -> None:
    document_id = _recognised(client, vietnamese_page)
    officer = _as(client, "canbo", Role.OFFICER, AGENCY)
    ctx = client.app.state.context  # type: ignore[attr-defined]
    url = f"/api/v1/documents/{document_id}/certified-copy"

    # pages are for an extract only, and must exist
    only_extracts = client.post(url, json={"copy_type": "sao_y", "pages": [1]}, headers=officer)
    assert_error_body(only_extracts, 422, "invalid_input")
    no_page_2 = client.post(url, json={"copy_type": "trich_sao", "pages": [2]}, headers=officer)
    assert_error_body(no_page_2, 422, "invalid_input")

    ctx.settings = ctx.settings.model_copy(update={"certify_pkcs12": pki.expired_p12})
    expired = client.post(url, json={"copy_type": "trich_sao"}, headers=officer)
    assert_error_body(expired, 409, "certificate_unusable")

    ctx.settings = ctx.settings.model_copy(update={"certify_pkcs12": None})
    missing = client.post(url, json={"copy_type": "sao_luc"}, headers=officer)
    assert_error_body(missing, 409, "signing_unavailable")
    # nothing was made: the dossier has its one submitted paper only
    documents = client.get(f"/api/v1/dossiers/{DOSSIER['code']}", headers=officer).json()
    assert len(documents["documents"]) == 1
