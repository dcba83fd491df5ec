"""The counter's API beyond intake: corrections, metadata, previews, removal, reuse."""

import io
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from models.auth import Role
from tests.conftest import DOSSIER, OTHER_AGENCY, assert_error_body, sign_in, wait_finished

SECOND = {**DOSSIER, "code": "000.00.01.H29-240116-0007", "procedure_code": "1.000656"}


def _png(color: int = 255) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (400, 300), color).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client: TestClient, code: str, data: bytes, name: str = "cccd.png") -> str:
    response = client.post(
        f"/api/v1/dossiers/{code}/documents", files=[("files", (name, data, "image/png"))]
    )
    assert response.status_code == 202, response.text
    return str(response.json()["document_ids"][0])


@pytest.fixture
def recognised(client: TestClient, dossier: dict[str, str], vietnamese_png: bytes) -> str:
    document_id = _upload(client, dossier["code"], vietnamese_png, "quyet-dinh.png")
    assert wait_finished(client, document_id)["status"] == "done"
    return document_id


def test_a_correction_is_kept_beside_the_recognised_text(
    client: TestClient, recognised: str
) -> None:
    before = client.get(f"/api/v1/documents/{recognised}").json()["pages"][0]
    corrected = before["text"].replace("QUYẾT ĐỊNH", "QUYẾT ĐỊNH (đã sửa)")
    response = client.put(f"/api/v1/documents/{recognised}/pages/1/text", json={"text": corrected})
    assert response.status_code == 204
    after = client.get(f"/api/v1/documents/{recognised}").json()["pages"][0]
    assert after["text"] == corrected and after["corrected"] is True
    assert after["ocr_text"] == before["text"]
    assert client.get(f"/api/v1/documents/{recognised}/text").json()["text"] == corrected


def test_words_and_preview_of_a_recognised_page(client: TestClient, recognised: str) -> None:
    words = client.get(f"/api/v1/documents/{recognised}/pages/1/words").json()["words"]
    assert words and {"text", "confidence", "box"} <= set(words[0])
    preview = client.get(f"/api/v1/documents/{recognised}/pages/1/image", params={"width": 300})
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).width == 300
    assert_error_body(client.get(f"/api/v1/documents/{recognised}/pages/9/image"), 404)


def test_kind_and_metadata_are_edited_and_checked(
    client: TestClient, dossier: dict[str, str]
) -> None:
    document_id = _upload(client, dossier["code"], _png())
    update = {"kind_code": "id_card", "number_symbol": "079193002341", "valid_until": "2040-01-01"}
    assert client.patch(f"/api/v1/documents/{document_id}", json=update).status_code == 204
    shown = client.get(f"/api/v1/documents/{document_id}").json()
    assert (shown["kind_code"], shown["valid_until"]) == ("id_card", "2040-01-01")
    assert_error_body(
        client.patch(f"/api/v1/documents/{document_id}", json={"kind_code": "x"}), 422
    )
    assert_error_body(client.patch(f"/api/v1/documents/{document_id}", json={"sha256": "0"}), 422)


def test_removing_a_paper_hides_it_keeps_it_and_is_audited(
    client: TestClient, dossier: dict[str, str]
) -> None:
    document_id = _upload(client, dossier["code"], _png())
    assert (
        client.delete(f"/api/v1/dossiers/{dossier['code']}/documents/{document_id}").status_code
        == 204
    )
    assert client.get(f"/api/v1/dossiers/{dossier['code']}").json()["documents"] == []
    ctx = client.app.state.context  # type: ignore[attr-defined]
    assert ctx.catalog.get_document(document_id).id == document_id  # the record stays
    auditor = sign_in(client, "auditor", Role.AUDITOR, None)
    events = client.get("/api/v1/audit", params={"action": "delete"}, headers=auditor).json()
    assert [e["object_id"] for e in events["data"]] == [document_id]


def test_a_second_dossier_reuses_the_id_card_without_upload(
    client: TestClient, dossier: dict[str, str]
) -> None:
    card = _upload(client, dossier["code"], _png())
    client.patch(f"/api/v1/documents/{card}", json={"kind_code": "id_card", "permanent": True})
    assert client.post("/api/v1/dossiers", json=SECOND).status_code == 201

    offered = client.get(f"/api/v1/applicants/{DOSSIER['applicant_id']}/documents").json()
    assert [(p["id"], p["kind_label"], p["expired"]) for p in offered] == [
        (card, "Căn cước", False)
    ]
    reuse = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{card}/reuse")
    assert reuse.status_code == 204
    second = client.get(f"/api/v1/dossiers/{SECOND['code']}").json()
    assert [(d["id"], d["reused"]) for d in second["documents"]] == [(card, True)]
    store = client.app.state.context.store  # type: ignore[attr-defined]
    assert len([e for e in store.list("originals/")]) == 1  # linked, never copied


def test_an_expired_paper_is_shown_as_expired_and_not_reused(
    client: TestClient, dossier: dict[str, str]
) -> None:
    card = _upload(client, dossier["code"], _png())
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    client.patch(
        f"/api/v1/documents/{card}", json={"kind_code": "id_card", "valid_until": yesterday}
    )
    client.post("/api/v1/dossiers", json=SECOND)
    (offered,) = client.get(f"/api/v1/applicants/{DOSSIER['applicant_id']}/documents").json()
    assert offered["expired"] is True
    refused = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{card}/reuse")
    assert "hết hiệu lực" in assert_error_body(refused, 409)["message"]


def test_another_applicants_paper_is_not_reused(
    client: TestClient, dossier: dict[str, str]
) -> None:
    card = _upload(client, dossier["code"], _png())
    stranger = {**SECOND, "applicant_id": "001300000001"}
    client.post("/api/v1/dossiers", json=stranger)
    refused = client.post(f"/api/v1/dossiers/{stranger['code']}/documents/{card}/reuse")
    assert_error_body(refused, 409)


def test_applicant_papers_respect_the_agency(client: TestClient, dossier: dict[str, str]) -> None:
    _upload(client, dossier["code"], _png())
    other = sign_in(client, "clerk-b", Role.CLERK, OTHER_AGENCY)
    listed = client.get(f"/api/v1/applicants/{DOSSIER['applicant_id']}/documents", headers=other)
    assert listed.status_code == 200 and listed.json() == []


def test_rescan_replaces_the_scan_and_recognises_again(
    client: TestClient, dossier: dict[str, str], vietnamese_png: bytes
) -> None:
    document_id = _upload(client, dossier["code"], _png(), "mo.png")
    assert wait_finished(client, document_id)["status"] == "needs_review"  # a blank page
    response = client.put(
        f"/api/v1/documents/{document_id}/scan",
        files={"file": ("ro.png", vietnamese_png, "image/png")},
    )
    assert response.status_code == 202, response.text
    done = wait_finished(client, document_id)
    assert done["status"] == "done" and done["filename"] == "ro.png"
    assert "QUYẾT ĐỊNH" in done["pages"][0]["text"]
    bad = client.put(
        f"/api/v1/documents/{document_id}/scan",
        files={"file": ("x.png", b"not an image", "image/png")},
    )
    assert_error_body(bad, 415)
    assert client.get(f"/api/v1/documents/{document_id}").json()["status"] == "done"
