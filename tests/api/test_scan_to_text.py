"""The walking skeleton end to end: a Vietnamese scan goes in through the API, its text comes out."""

import hashlib
import unicodedata

from fastapi.testclient import TestClient

from synth.metrics import cer
from synth.render import RenderedPage
from tests.conftest import wait_finished


def test_uploaded_scan_is_recognised_with_under_2_percent_cer(
    client: TestClient,
    dossier: dict[str, str],
    vietnamese_page: RenderedPage,
    vietnamese_png: bytes,
) -> None:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("giay-to.png", vietnamese_png, "image/png"))],
    )
    assert response.status_code == 202, response.text
    (document_id,) = response.json()["document_ids"]

    # durable before the 202: the original is already downloadable, byte for byte
    original = client.get(f"/api/v1/documents/{document_id}/original")
    assert original.status_code == 200
    assert (
        hashlib.sha256(original.content).hexdigest() == hashlib.sha256(vietnamese_png).hexdigest()
    )
    assert original.headers["content-type"] == "image/png"

    document = wait_finished(client, document_id)
    assert document["status"] == "done", document
    assert document["page_count"] == 1
    (page,) = document["pages"]  # type: ignore[misc]
    assert page["mean_confidence"] > 80

    text = client.get(f"/api/v1/documents/{document_id}/text").json()["text"]
    assert unicodedata.is_normalized("NFC", text)
    assert cer(vietnamese_page.text, text) < 0.02

    listed = client.get(f"/api/v1/dossiers/{dossier['code']}").json()
    assert listed["status"] == "completed"
    assert [d["id"] for d in listed["documents"]] == [document_id]
    assert listed["applicant_name"] == "Nguyễn Văn An"


def test_one_request_may_carry_several_scans_and_same_bytes_are_one_paper(
    client: TestClient, dossier: dict[str, str], vietnamese_png: bytes
) -> None:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[
            ("files", ("a.png", vietnamese_png, "image/png")),
            ("files", ("b.png", vietnamese_png, "image/png")),
        ],
    )
    assert response.status_code == 202, response.text
    ids = response.json()["document_ids"]
    # the same bytes twice are one paper, recognised once (issue 7: never OCR'd twice)
    assert len(ids) == 2 and len(set(ids)) == 1
    assert len(client.get(f"/api/v1/dossiers/{dossier['code']}").json()["documents"]) == 1
    store = client.app.state.context.store  # type: ignore[attr-defined]
    assert len(list(store.list("originals/"))) == 1


def test_text_before_recognition_finishes_is_409(
    client: TestClient, dossier: dict[str, str], vietnamese_png: bytes
) -> None:
    client.app.state.workers.stop()  # type: ignore[attr-defined]  # nothing will be recognised
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("a.png", vietnamese_png, "image/png"))],
    )
    (document_id,) = response.json()["document_ids"]
    assert client.get(f"/api/v1/documents/{document_id}").json()["status"] == "queued"
    text = client.get(f"/api/v1/documents/{document_id}/text")
    assert text.status_code == 409 and text.json()["error"]["code"] == "not_ready"
