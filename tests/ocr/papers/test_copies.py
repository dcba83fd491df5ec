"""A name printed twice: its marks from the better-read copy, never from outside the paper."""

from models.extraction import FieldName
from models.kinds import DocumentKind
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.papers import read_paper
from ocr.pipeline import recognise_document
from synth.degrade import degrade
from synth.papers import paper
from tests.ocr.papers.built import result

FORM = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân xã Tân Lập",
)


def form(name: str, signed: str, confidences: dict[str, float]) -> DocumentResult:
    """An application form with `name` after its label and `signed` under the signature; the
    words of `confidences` read with that confidence (others at 95)."""
    built = result(
        *FORM,
        f"Họ, chữ đệm, tên người yêu cầu: {name}",
        "Ngày, tháng, năm sinh: 23/09/1980",
        "NGƯỜI YÊU CẦU",
        signed,
    )
    page = built.pages[0]
    words = [w.model_copy(update={"confidence": confidences.get(w.text, 95.0)}) for w in page.words]
    return built.model_copy(update={"pages": [page.model_copy(update={"words": words})]})


def name_of(document: DocumentResult) -> str | None:
    found = read_paper(document).get(FieldName.FULL_NAME)
    return found.value if found else None


def test_marks_lost_on_capitals_are_taken_from_the_surer_signed_copy() -> None:
    # as read on a 100 dpi fax: the small letters surer but for "Hồng", read at 92 below a
    # wrong "HỎNG" at 96: that word stays as read (confidence decides, not the case)
    document = form(
        "ĐĂNG HỎNG HUYỆN", "Đặng Hồng Huyền", {"ĐĂNG": 59, "HỎNG": 96, "HUYỆN": 66, "Hồng": 92}
    )
    assert name_of(document) == "ĐẶNG HỎNG HUYỀN"
    field = read_paper(document).get(FieldName.FULL_NAME)
    assert field is not None and "Đặng Hồng Huyền" in field.evidence  # both copies named


def test_a_right_capital_is_kept_against_a_less_sure_small_letter() -> None:
    assert name_of(form("LÝ CÔNG HẢI", "Lỷ Công Hải", {"LÝ": 93, "Lỷ": 88})) == "LÝ CÔNG HẢI"


def test_a_copy_in_capitals_wins_a_word_only_with_more_confidence() -> None:
    document = form("NGỎ THANH TRANG", "NGÔ THANH TRANG", {"NGỎ": 90, "NGÔ": 70})
    assert name_of(document) == "NGỎ THANH TRANG"
    document = form("NGỎ THANH TRANG", "NGÔ THANH TRANG", {"NGỎ": 29, "NGÔ": 92})
    assert name_of(document) == "NGÔ THANH TRANG"
    # a word taken from the other copy is written in the case of the name it goes into
    document = form("Ngỏ Thanh Trang", "NGÔ THANH TRANG", {"Ngỏ": 29, "NGÔ": 92})
    assert name_of(document) == "Ngô Thanh Trang"


def test_a_right_name_is_kept_against_a_doubtful_or_other_copy() -> None:
    # the signed copy read with little confidence: the name stays as read
    assert name_of(form("BÙI VĂN AN", "Bùi Vàn An", {"Vàn": 60})) == "BÙI VĂN AN"
    # another person's name under the signature (other letters) changes nothing
    assert name_of(form("BÙI VĂN AN", "Bùi Văn Ân Hòa", {})) == "BÙI VĂN AN"
    # a copy that is no Vietnamese syllable is no evidence
    assert name_of(form("BÙI VĂN AN", "Bùi Vǎn An", {"Vǎn": 99})) == "BÙI VĂN AN"


def test_a_generated_form_faxed_at_100_dpi_gets_its_name_right() -> None:
    # bench.papers seed 1, paper 2, fax_100: read "NGỎ THANH TRANG" (NGỎ at 29) before the
    # signed copy "Ngô Thanh Trang" (Ngô at 92) was used
    labelled = paper(DocumentKind.APPLICATION_FORM, 1002)
    sample = degrade(labelled.page, "fax_100", 10_000 + 2 * 100 + 3)
    document = recognise_document(sample.data, OcrOptions())
    assert name_of(document) == labelled.fields[FieldName.FULL_NAME] == "NGÔ THANH TRANG"
