"""Reuse through the API (issue 7): an identical upload is linked, not recognised again; the
applicant's papers carry kind, key fields and validity; a rescan of a paper digitized before is
detected and can be swapped for the earlier copy in one call; the 766 report over HTTP."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text

from models.auth import Role
from services.processing import process_document
from services.settings import Settings
from tests.conftest import DOSSIER, OTHER_AGENCY, assert_error_body, sign_in, wait_finished

SECOND = {**DOSSIER, "code": "000.00.01.H29-240116-0007", "procedure_code": "1.000656"}
APPLICANT = DOSSIER["applicant_id"]


def _png(shade: int = 255) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (400, 300), shade).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(client: TestClient, code: str, data: bytes, **headers: str) -> dict[str, object]:
    response = client.post(
        f"/api/v1/dossiers/{code}/documents",
        files=[("files", ("giay-to.png", data, "image/png"))],
        headers=headers,
    )
    assert response.status_code == 202, response.text
    document: dict[str, object] = response.json()["documents"][0]
    return document


def _jobs(client: TestClient) -> int:
    ctx = client.app.state.context  # type: ignore[attr-defined]
    with ctx.catalog.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM jobs")).scalar_one())


def test_the_same_file_uploaded_again_is_linked_not_recognised_twice(
    client: TestClient, dossier: dict[str, str], vietnamese_png: bytes
) -> None:
    first = _upload(client, dossier["code"], vietnamese_png)
    done = wait_finished(client, str(first["id"]))
    assert done["status"] == "done" and first["reused"] is False
    assert client.post("/api/v1/dossiers", json=SECOND).status_code == 201

    again = _upload(client, SECOND["code"], vietnamese_png)
    assert (again["id"], again["reused"]) == (first["id"], True)
    assert _jobs(client) == 1  # nothing was queued for the second upload
    after = client.get(f"/api/v1/documents/{first['id']}").json()
    assert (after["status"], after["updated_at"]) == ("done", done["updated_at"])
    second = client.get(f"/api/v1/dossiers/{SECOND['code']}").json()
    assert [(d["id"], d["reused"]) for d in second["documents"]] == [(first["id"], True)]
    # uploading it into the same dossier again changes nothing
    assert _upload(client, SECOND["code"], vietnamese_png)["id"] == first["id"]
    assert len(client.get(f"/api/v1/dossiers/{SECOND['code']}").json()["documents"]) == 1


def test_a_duplicate_held_by_another_agency_is_not_disclosed(
    client: TestClient, dossier: dict[str, str]
) -> None:
    mine = _upload(client, dossier["code"], _png())
    other = sign_in(client, "clerk-b", Role.CLERK, OTHER_AGENCY)
    theirs = {**DOSSIER, "code": f"{OTHER_AGENCY}-240116-0001"}
    assert client.post("/api/v1/dossiers", json=theirs, headers=other).status_code == 201
    uploaded = _upload(client, theirs["code"], _png(), **other)
    assert uploaded["id"] != mine["id"] and uploaded["reused"] is False


def test_the_applicants_papers_show_kind_key_fields_and_validity(
    client: TestClient, dossier: dict[str, str]
) -> None:
    card = str(_upload(client, dossier["code"], _png(250))["id"])
    old = str(_upload(client, dossier["code"], _png(240))["id"])
    for document_id in (card, old):
        wait_finished(client, document_id)
    valid = {"kind_code": "id_card", "number_symbol": APPLICANT, "issue_date": "2021-03-05",
             "issuer": "Cục Cảnh sát QLHC về TTXH", "valid_until": "2046-03-05"}  # fmt: skip
    assert client.patch(f"/api/v1/documents/{card}", json=valid).status_code == 204
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    expired = {
        "kind_code": "birth_certificate",
        "number_symbol": "12/2015",
        "valid_until": yesterday,
    }
    assert client.patch(f"/api/v1/documents/{old}", json=expired).status_code == 204
    client.post("/api/v1/dossiers", json=SECOND)

    listed = {p["id"]: p for p in client.get(f"/api/v1/applicants/{APPLICANT}/documents").json()}
    shown = listed[card]
    assert (shown["kind_label"], shown["number_symbol"], shown["issuer"]) == (
        "Căn cước",
        APPLICANT,
        valid["issuer"],
    )
    assert (shown["issue_date"], shown["validity"], shown["reusable"]) == (
        "2021-03-05",
        "valid",
        True,
    )
    assert (listed[old]["validity"], listed[old]["expired"], listed[old]["reusable"]) == (
        "expired",
        True,
        False,
    )
    refused = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{old}/reuse")
    assert_error_body(refused, 409, "paper_expired")
    assert (
        client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{card}/reuse").status_code == 204
    )
    again = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{card}/reuse")
    assert_error_body(again, 409)


class TestNearDuplicates:
    """The extractor's columns are set by hand, as field extraction would set them, then the
    document is recognised for real (workers=0: the test runs the worker's one call)."""

    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(data_dir=tmp_path / "data", workers=0)

    FIELDS: ClassVar[dict[str, object]] = {"kind_code": "land_use_certificate", "number_symbol": "CS 01234",
              "issue_date": date(2019, 6, 1), "issuer": "UBND huyện Gia Lâm"}  # fmt: skip

    def _recognised(self, client: TestClient, code: str, shade: int, **fields: object) -> str:
        ctx = client.app.state.context  # type: ignore[attr-defined]
        document_id = str(_upload(client, code, _png(shade))["id"])
        ctx.papers.update_metadata(document_id, {**self.FIELDS, **fields})
        process_document(ctx, document_id)
        return document_id

    def test_a_rescan_is_detected_and_swapped_for_the_earlier_copy(
        self, client: TestClient, dossier: dict[str, str]
    ) -> None:
        earlier = self._recognised(client, dossier["code"], 250)
        client.post("/api/v1/dossiers", json=SECOND)
        # the same certificate, rescanned: other bytes, same number (spaced differently)
        rescan = self._recognised(client, SECOND["code"], 245, number_symbol="cs01234")
        offered = client.get(f"/api/v1/documents/{rescan}").json()["duplicate_of"]
        assert offered["id"] == earlier and offered["number_symbol"] == "CS 01234"
        assert client.get(f"/api/v1/documents/{earlier}").json()["duplicate_of"] is None
        # the applicant's list offers the kept copy only
        listed = client.get(f"/api/v1/applicants/{APPLICANT}/documents").json()
        assert [p["id"] for p in listed] == [earlier]

        used = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{rescan}/use-earlier")
        assert used.status_code == 200 and used.json() == {"id": earlier, "removed": rescan}
        second = client.get(f"/api/v1/dossiers/{SECOND['code']}").json()
        assert [(d["id"], d["reused"]) for d in second["documents"]] == [(earlier, True)]
        again = client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{earlier}/use-earlier")
        assert_error_body(again, 409)

    def test_another_number_or_a_new_issue_date_is_a_new_paper(
        self, client: TestClient, dossier: dict[str, str]
    ) -> None:
        self._recognised(client, dossier["code"], 250)
        other = self._recognised(client, dossier["code"], 245, number_symbol="CS 09999")
        reissued = self._recognised(client, dossier["code"], 240, issue_date=date(2024, 1, 2))
        for document_id in (other, reissued):
            assert client.get(f"/api/v1/documents/{document_id}").json()["duplicate_of"] is None

    def test_a_clerk_naming_the_number_later_makes_it_a_duplicate(
        self, client: TestClient, dossier: dict[str, str]
    ) -> None:
        earlier = self._recognised(client, dossier["code"], 250)
        later = self._recognised(client, dossier["code"], 245, number_symbol=None)
        assert client.get(f"/api/v1/documents/{later}").json()["duplicate_of"] is None
        client.patch(f"/api/v1/documents/{later}", json={"number_symbol": "CS 01234"})
        assert client.get(f"/api/v1/documents/{later}").json()["duplicate_of"]["id"] == earlier


def test_the_report_over_http_as_json_and_csv(client: TestClient, dossier: dict[str, str]) -> None:
    card = str(_upload(client, dossier["code"], _png())["id"])
    wait_finished(client, card)
    client.post("/api/v1/dossiers", json=SECOND)
    client.post(f"/api/v1/dossiers/{SECOND['code']}/documents/{card}/reuse")
    officer = sign_in(client, "officer", Role.OFFICER, dossier["code"].split("-")[0])
    period = {"from": "2024-01-15", "to": "2024-01-16"}
    report = client.get("/api/v1/reports/digitization", params=period, headers=officer)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["dossiers"], body["digitized"], body["reusing"]) == (
        2,
        {"count": 2, "share": 1.0},
        {"count": 1, "share": 0.5},
    )
    as_csv = client.get(
        "/api/v1/reports/digitization", params={**period, "format": "csv"}, headers=officer
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "reusing,1,2,0.5000" in as_csv.text
    # a clerk reads no report; an officer none of another agency; a bad period is a 422
    assert_error_body(client.get("/api/v1/reports/digitization", params=period), 403)
    other = client.get(
        "/api/v1/reports/digitization", params={**period, "agency": OTHER_AGENCY}, headers=officer
    )
    assert_error_body(other, 403)
    backwards = {"from": "2024-02-01", "to": "2024-01-01"}
    bad = client.get("/api/v1/reports/digitization", params=backwards, headers=officer)
    assert_error_body(bad, 422, "invalid_period")
