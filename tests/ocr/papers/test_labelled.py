"""Labelled fields on any paper, and the kind they point to when no title tells it."""

from __future__ import annotations

from models.extraction import FieldName as F
from models.kinds import DocumentKind
from ocr.papers import read_paper
from tests.ocr.papers.built import result


def test_a_chip_card_whose_title_was_erased_is_read_from_its_labels() -> None:
    reading = read_paper(
        result(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số /No.: 026086125948",
            "Họ và tên / Full name:",
            "NGUYỄN VĂN HÙNG",
            "Ngày sinh / Date of birth: 14/01/1986",
            "Giới tính / Sex: Nam",
        )
    )
    assert reading.kind is DocumentKind.ID_CARD_OLD
    values = {f.name: f.value for f in reading.fields}
    assert values[F.PERSONAL_ID] == "026086125948"
    assert values[F.FULL_NAME] == "NGUYỄN VĂN HÙNG"
    assert values[F.DATE_OF_BIRTH] == "1986-01-14"


def test_a_document_number_with_its_type_makes_an_administrative_document() -> None:
    reading = read_paper(result("Số: 729/QĐ-TTg", "Về việc phê duyệt", "Điều 1. Phê duyệt"))
    assert reading.kind is DocumentKind.ADMINISTRATIVE_DOCUMENT
    number = reading.get(F.NUMBER_SYMBOL)
    assert number is not None and number.value == "729/QĐ-TTg" and number.evidence


def test_labels_on_a_paper_of_no_known_kind_still_give_their_fields() -> None:
    reading = read_paper(
        result(
            "GIẤY XÁC NHẬN", "Họ và tên: Trần Thị Bình", "Ngày sinh: 29/02/2000", "Nơi ở: Hà Nội"
        )
    )
    assert reading.kind is DocumentKind.OTHER
    values = {f.name: f.value for f in reading.fields}
    assert values == {F.FULL_NAME: "Trần Thị Bình", F.DATE_OF_BIRTH: "2000-02-29"}
    assert all(f.box is not None and f.evidence for f in reading.fields)
