import pytest

from models.kinds import DocumentKind
from models.recognition import BlockRole
from ocr.papers.classify import DECIDE, classify, score_kinds
from ocr.papers.lines import document_lines
from ocr.papers.read import read_paper
from tests.ocr.papers.built import Row, result

HEADER = ["UBND XÃ AN BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        (
            "CĂN CƯỚC CÔNG DÂN",
            ["Số / No.: 001090012345", "Họ và tên / Full name: AN"],
            "id_card_old",
        ),
        ("CAN CUOC CONG DAN", ["Ho va ten / Full name: AN"], "id_card_old"),
        ("CĂN CƯỚC", ["Số định danh cá nhân / Personal identification number"], "id_card"),
        ("GIẤY KHAI SINH", ["Họ, chữ đệm, tên: AN", "Nơi sinh: Hà Nội"], "birth_certificate"),
        ("TRICH LUC KHAI SINH", ["Ho, chu dem, ten: AN"], "birth_certificate"),
        ("GIẤY CHỬNG NHẢN KÉT HÔN", ["Thông tin về chồng:"], "marriage_certificate"),
        ("GIAY CHUNG NHAN KET HON", [], "marriage_certificate"),
        ("TRÍCH LỤC KHAI TỬ", ["Nơi chết: Hà Nội"], "death_extract"),
        ("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", ["Thửa đất số: 12"], "land_use_certificate"),
        ("GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", ["Mã số doanh nghiệp"], "enterprise_registration"),
        ("TỜ KHAI ĐĂNG KÝ KHAI SINH", ["Kính gửi: UBND", "Họ, chữ đệm, tên"], "application_form"),
        ("ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", ["Kính gửi: UBND"], "application_form"),
        ("QUYẾT ĐỊNH", ["Căn cứ Luật Tổ chức chính quyền", "Nơi nhận:"], "administrative_document"),
        ("THONG BAO", ["Noi nhan:"], "administrative_document"),
        ("HỢP ĐỒNG THUÊ NHÀ", ["Bên A cho bên B thuê nhà"], "other"),
    ],
)
def test_kind_from_title_and_labels_despite_ocr_errors(
    title: str, body: list[str], kind: str
) -> None:
    decided, confidence = classify(document_lines(result(*HEADER, title, *body)))
    assert decided == DocumentKind(kind)
    assert 0 < confidence <= 1


def test_a_wrapped_land_title_is_read_over_its_two_lines() -> None:
    lines = ["GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"]
    assert classify(document_lines(result(*HEADER, *lines)))[0] is DocumentKind.LAND_USE_CERTIFICATE


def test_labels_decide_when_the_title_is_lost() -> None:
    lines = ["#### ### ####", "Thửa đất số: 12", "Tờ bản đồ số: 4", "Diện tích: 120 m2"]
    lines += ["Mục đích sử dụng: Đất ở", "Thời hạn sử dụng: Lâu dài"]
    kind, confidence = classify(document_lines(result(*lines)))
    assert kind is DocumentKind.LAND_USE_CERTIFICATE
    assert confidence < 0.8  # less sure than with its title


def test_the_role_title_counts_where_case_and_place_would_not() -> None:
    # a title in lower case low on the page counts only when layout says it is the title
    rows: list[Row | str] = [*HEADER, Row("Quyết định", top=0.8, role=BlockRole.TITLE)]
    assert classify(document_lines(result(*rows)))[0] is DocumentKind.ADMINISTRATIVE_DOCUMENT
    assert classify(document_lines(result(*HEADER, Row("Quyết định", top=0.8))))[0] is (
        DocumentKind.OTHER
    )


def test_an_empty_document_is_other() -> None:
    assert read_paper(result()).kind is DocumentKind.OTHER


def test_a_close_call_below_the_floor_is_unknown() -> None:
    # a generic title and the labels of two kinds of card: a best kind, a runner-up close by
    rows = (
        "GIẤY CHỨNG NHẬN",
        "Họ và tên / Full name: Lê Văn A",
        "Ngày sinh / Date of birth: 01/01/1990",
        "Quê quán: Hà Nội",
        "Nơi thường trú: Hà Nội",
        "Date of expiry: 01/01/2030",
        "Số định danh cá nhân: 001090012345",
        "Nơi cư trú: Hà Nội",
        "Nơi đăng ký khai sinh: Hà Nội",
    )
    lines = document_lines(result(*rows))
    assert score_kinds(lines)[0].score >= DECIDE  # a kind would have been named without it
    kind, _ = classify(lines)
    assert kind is DocumentKind.OTHER
