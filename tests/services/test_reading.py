"""After recognition a paper knows its kind and key fields, and fills only empty metadata."""

from fastapi.testclient import TestClient

from models.extraction import ExtractedField, FieldName, PaperReading
from models.kinds import DocumentKind
from services.reading import archive_metadata, disagreement_reason, metadata_of, record_reading
from synth.degrade import degrade
from synth.papers import paper
from tests.conftest import wait_finished
from tests.ocr.papers.built import result

F = FieldName


def _upload(client: TestClient, code: str, data: bytes) -> str:
    response = client.post(
        f"/api/v1/dossiers/{code}/documents", files=[("files", ("giay.png", data, "image/png"))]
    )
    assert response.status_code == 202, response.text
    return str(response.json()["document_ids"][0])


def test_a_processed_paper_gets_its_kind_and_fields(
    client: TestClient, dossier: dict[str, str]
) -> None:
    labelled = paper(DocumentKind.BIRTH_CERTIFICATE, seed=3)
    document_id = _upload(client, dossier["code"], degrade(labelled.page, "clean_300", 3).data)
    shown = wait_finished(client, document_id)
    assert shown["status"] == "done"
    reading = PaperReading.model_validate(shown["reading"])
    assert reading.kind is DocumentKind.BIRTH_CERTIFICATE
    found = {f.name: f for f in reading.fields}
    for name in (F.PERSONAL_ID, F.NUMBER_SYMBOL, F.ISSUE_DATE, F.DATE_OF_BIRTH):
        assert found[name].value == labelled.fields[name]
        assert found[name].box is not None and found[name].page == 1
    # the metadata a one-stop system keeps, filled from the reading
    assert shown["kind_code"] == "birth_certificate"
    # intake filed it under the applicant (a default): the birth paper is the child's, whose
    # personal ID it carries (issue 18, item 19)
    assert shown["owner_id"] == labelled.fields[F.PERSONAL_ID] != dossier["applicant_id"]
    assert shown["number_symbol"] == labelled.fields[F.NUMBER_SYMBOL]
    assert shown["issue_date"] == labelled.fields[F.ISSUE_DATE]


def test_what_a_clerk_set_is_never_overwritten(client: TestClient, dossier: dict[str, str]) -> None:
    blank = degrade(paper(DocumentKind.OTHER, seed=1).page, "clean_300", 1).data
    document_id = _upload(client, dossier["code"], blank)
    wait_finished(client, document_id)
    clerk = {"kind_code": "id_card_old", "number_symbol": "do-clerk"}
    assert client.patch(f"/api/v1/documents/{document_id}", json=clerk).status_code == 204
    card = result(
        "CĂN CƯỚC",
        "Số định danh cá nhân / Personal identification number: 001090012345",
        "Họ, chữ đệm và tên khai sinh / Full name: NGUYỄN VĂN AN",
        "Ngày, tháng, năm hết hạn / Date of expiry: Không thời hạn",
    )
    ctx = client.app.state.context  # type: ignore[attr-defined]
    reading = record_reading(ctx, document_id, card)
    assert reading is not None and reading.kind is DocumentKind.ID_CARD
    shown = client.get(f"/api/v1/documents/{document_id}").json()
    assert (shown["kind_code"], shown["number_symbol"]) == ("id_card_old", "do-clerk")
    # the applicant was intake's default owner: the ID read off the card is whose card it is
    assert (shown["owner_id"], shown["owner_name"]) == ("001090012345", "NGUYỄN VĂN AN")
    assert shown["permanent"] is True
    assert shown["reading"]["kind"] == "id_card"


def test_only_confident_fields_fill_metadata() -> None:
    def field(name: FieldName, value: str, confidence: float) -> ExtractedField:
        return ExtractedField(name=name, value=value, confidence=confidence, page=1)

    reading = PaperReading(
        kind=DocumentKind.ENTERPRISE_REGISTRATION,
        kind_confidence=0.9,
        fields=[
            field(F.ENTERPRISE_CODE, "0100109106", 0.95),
            field(F.FULL_NAME, "CÔNG TY TNHH AN", 0.3),
            field(F.ISSUE_DATE, "2021-03-05", 0.9),
        ],
    )
    found = metadata_of(reading)
    assert found["kind_code"] == "enterprise_registration"
    assert found["owner_id"] == "0100109106" and "owner_name" not in found
    assert str(found["issue_date"]) == "2021-03-05"
    unsure = reading.model_copy(update={"kind_confidence": 0.3})
    assert "kind_code" not in metadata_of(unsure)


def test_a_disagreement_between_code_and_print_is_a_review_reason_naming_the_fields() -> None:
    agreed = PaperReading(kind=DocumentKind.ID_CARD_OLD, kind_confidence=0.99)
    assert disagreement_reason(agreed) is None
    assert disagreement_reason(None) is None
    differs = agreed.model_copy(
        update={"disagreements": [FieldName.FULL_NAME, FieldName.DATE_OF_BIRTH]}
    )
    assert disagreement_reason(differs) == (
        "Chữ in, mã QR và vùng MRZ trên giấy tờ không khớp: họ và tên, ngày sinh"
    )


def test_the_archive_metadata_says_only_what_was_read_with_confidence() -> None:
    number = ExtractedField(
        name=FieldName.NUMBER_SYMBOL, value="12/QĐ-UBND", confidence=0.9, page=1
    )
    sure = PaperReading(
        kind=DocumentKind.ADMINISTRATIVE_DOCUMENT, kind_confidence=0.9, fields=[number]
    )
    meta = archive_metadata(sure, agency="UBND xã An Bình")
    assert (meta.title, meta.kind, meta.number, meta.agency) == (
        "Văn bản hành chính số 12/QĐ-UBND",
        "Văn bản hành chính",
        "12/QĐ-UBND",
        "UBND xã An Bình",
    )
    unsure = sure.model_copy(
        update={"kind_confidence": 0.3, "fields": [number.model_copy(update={"confidence": 0.3})]}
    )
    for reading in (unsure, None):
        meta = archive_metadata(reading)
        assert (meta.title, meta.kind, meta.number) == ("Giấy tờ khác", None, None)
