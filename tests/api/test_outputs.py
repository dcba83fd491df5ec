"""Outputs through the API: the quality verdict at upload, the searchable PDF/A and per-page
hOCR and ALTO."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pikepdf
from fastapi.testclient import TestClient
from PIL import Image, ImageFilter
from pypdf import PdfReader

from models.auth import Role
from models.codes import agency_of
from ocr.pdfa import problems
from synth.render import RenderedPage
from tests.conftest import assert_error_body, sign_in, wait_finished


def _tiff(*pages: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", save_all=True, append_images=list(pages[1:]), dpi=(300, 300))
    return buffer.getvalue()


def _upload(client: TestClient, code: str, data: bytes) -> tuple[str, dict[str, Any]]:
    response = client.post(
        f"/api/v1/dossiers/{code}/documents",
        files=[("files", ("ho-so.tif", data, "image/tiff"))],
    )
    assert response.status_code == 202, response.text
    (document,) = response.json()["documents"]
    return str(document["id"]), document


def test_quality_is_known_at_upload_before_any_recognition(
    client: TestClient, dossier: dict[str, str], vietnamese_page: RenderedPage
) -> None:
    client.app.state.workers.stop()  # type: ignore[attr-defined]  # nothing will be recognised
    sharp = vietnamese_page.image.convert("L")
    blurred = sharp.filter(ImageFilter.GaussianBlur(7))
    blank = Image.new("L", sharp.size, 250)
    document_id, accepted = _upload(client, dossier["code"], _tiff(sharp, blurred, blank))
    in_202 = [[issue["code"] for issue in page] for page in accepted["quality"]]
    assert in_202 == [[], ["scan_too_blurry"], ["blank_page"]]
    body = client.get(f"/api/v1/documents/{document_id}").json()
    assert body["status"] == "queued"
    codes = [[issue["code"] for issue in page["quality"]] for page in body["pages"]]
    assert codes == [[], ["scan_too_blurry"], ["blank_page"]]
    assert [page["blank"] for page in body["pages"]] == [False, False, True]
    assert body["pages"][1]["quality"][0]["message"] == "Ảnh quét bị mờ, vui lòng quét lại"
    assert_error_body(client.get(f"/api/v1/documents/{document_id}/pdf"), 409, "not_ready")


def test_recognised_document_has_a_searchable_pdfa_hocr_and_alto_and_skips_blank_pages(
    client: TestClient, dossier: dict[str, str], vietnamese_page: RenderedPage
) -> None:
    text_page = vietnamese_page.image.crop((0, 0, vietnamese_page.image.width, 900))
    blank = Image.new("RGB", text_page.size, "white")
    document_id, _ = _upload(client, dossier["code"], _tiff(text_page, blank))
    document = wait_finished(client, document_id)
    assert document["status"] == "done", document  # a blank back page needs no review
    pages = document["pages"]
    assert isinstance(pages, list) and pages[1]["blank"] and pages[1]["text"] == ""

    pdf = client.get(f"/api/v1/documents/{document_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.")
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 2
    extracted = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Độc lập - Tự do - Hạnh phúc" in " ".join(extracted.split())
    assert problems(pdf.content) == []  # PDF/A-2b, by pikepdf's validator
    with pikepdf.open(io.BytesIO(pdf.content)) as doc:  # the receiving agency digitized it
        assert doc.open_metadata()["dc:publisher"] == {agency_of(dossier["code"])}

    hocr = client.get(f"/api/v1/documents/{document_id}/pages/1/hocr")
    assert hocr.status_code == 200 and "ocrx_word" in hocr.text and "Hạnh" in hocr.text
    assert_error_body(client.get(f"/api/v1/documents/{document_id}/pages/2/hocr"), 404)
    assert_error_body(client.get(f"/api/v1/documents/{document_id}/pages/3/hocr"), 404)

    alto = client.get(f"/api/v1/documents/{document_id}/pages/1/alto")
    assert alto.status_code == 200 and alto.headers["content-type"].startswith("application/xml")
    assert alto.headers["cache-control"] == "no-store"
    assert 'CONTENT="Hạnh"' in alto.text and "ns-v4#" in alto.text
    blank_alto = client.get(f"/api/v1/documents/{document_id}/pages/2/alto")
    assert blank_alto.status_code == 200 and "<String" not in blank_alto.text
    assert_error_body(client.get(f"/api/v1/documents/{document_id}/pages/3/alto"), 404)
    auditor = sign_in(client, "auditor-alto", Role.AUDITOR, None)
    events = client.get("/api/v1/audit", params={"object_id": document_id}, headers=auditor)
    assert "alto page 1" in [e["detail"] for e in events.json()["data"]]
