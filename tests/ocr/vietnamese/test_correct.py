"""Correction of real Tesseract mark errors, and what it must never touch."""

import pytest

from models.recognition import Box, Word
from ocr.vietnamese.correct import CorrectionOptions, correct_words, mark_edits


def _words(text: str, confidence: float = 70) -> list[Word]:
    return [
        Word(
            text=t,
            confidence=confidence,
            box=Box(left=10 * i, top=0, width=9, height=9),
            block=1,
            line=0,
        )
        for i, t in enumerate(text.split())
    ]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


@pytest.mark.parametrize(
    ("read", "confidences", "meant"),
    [
        # Tesseract vie's own readings of the benchmark pages (bench/correction.py), with its
        # word confidences, and what the page said
        ("này áp đụng đối với", [96, 96, 88, 96, 96], "này áp dụng đối với"),
        ("hành quy chuấn kỹ thuật", [96, 93, 85, 94, 96], "hành quy chuẩn kỹ thuật"),
        ("13 Nghị đình này.", [95, 96, 84, 94], "13 Nghị định này."),
        ("vừa chuyến đối từ hộ", [96, 96, 84, 96, 96], "vừa chuyển đổi từ hộ"),
        (
            "được hồ sợ đấy đủ theö quy định,",
            [97, 94, 85, 96, 93, 92, 96, 94],
            "được hồ sơ đầy đủ theo quy định,",
        ),
        (
            "(giờ, phút, ngây, tháng, nãm) vào Phiếu",
            [50, 95, 90, 93, 91, 96, 96],
            "(giờ, phút, ngày, tháng, năm) vào Phiếu",
        ),
        ("hợp lô bàng có số", [96, 83, 96, 96, 76], "hợp lô hàng có số"),
        ("HỌC ĐÁP ƯNG NHƯ CẤU CHO", [96, 93, 55, 66, 49, 93], "HỌC ĐÁP ỨNG NHU CẦU CHO"),
    ],
)
def test_tesseract_misreadings_are_corrected(
    read: str, confidences: list[float], meant: str
) -> None:
    words = [
        w.model_copy(update={"confidence": c})
        for w, c in zip(_words(read), confidences, strict=True)
    ]
    assert _text(correct_words(words)) == meant


def test_the_example_of_the_issue() -> None:
    assert _text(correct_words(_words("quyết đinh"))) == "quyết định"


def test_the_raw_words_are_left_as_they_were() -> None:
    raw = _words("quyết đinh")
    fixed = correct_words(raw)
    assert raw[1].text == "đinh" and fixed[1].text == "định"
    assert fixed[1].box == raw[1].box and fixed[1].confidence == raw[1].confidence


def test_a_confident_valid_word_is_kept() -> None:
    # "đinh" (a nail) spells a syllable: at high confidence Tesseract is believed
    assert _text(correct_words(_words("quyết đinh", confidence=97))) == "quyết đinh"


def test_an_invalid_word_is_corrected_whatever_the_confidence() -> None:
    # "quyêt": a stop ending with the level tone spells no syllable
    assert _text(correct_words(_words("quyêt định", confidence=99))) == "quyết định"


@pytest.mark.parametrize(
    "text",
    [
        "Số 12/2020/NĐ-CP ngày 01/07/2020",  # numbers and codes
        "mã 1.001193 và 079193002341",
        "NGUYÊN VĂN AN",  # a name in capitals that spells syllables
        "tỉnh Đắk Lắk, huyện Krông Búk",  # protected place names
        "email info@sohoa.vn",
    ],
)
def test_numbers_codes_capitals_and_place_names_are_never_corrected(text: str) -> None:
    assert _text(correct_words(_words(text, confidence=20))) == text


def test_a_heading_in_capitals_is_corrected_a_name_is_not() -> None:
    # both misread words of the motto are fixed together, from their neighbours
    heading = _words("CÔNG HÓA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert _text(correct_words(heading)) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    name = _words("Họ và tên: NGUYÊN VĂN AN")
    assert _text(correct_words(name)) == "Họ và tên: NGUYÊN VĂN AN"


def test_extra_protected_words_are_honoured() -> None:
    options = CorrectionOptions(protected=frozenset({"trách nhiêm"}))
    assert _text(correct_words(_words("ông Trách Nhiêm"), options=options)) == "ông Trách Nhiêm"
    # a name is protected as a whole: "Hóa" of Thanh Hóa does not protect every "Hóa"
    assert _text(correct_words(_words("tỉnh Thanh Hóa"))) == "tỉnh Thanh Hóa"
    assert _text(correct_words(_words("Trách Nhiêm"))) == "Trách Nhiệm"


def test_disabled_correction_only_normalises() -> None:
    options = CorrectionOptions(enabled=False)
    assert _text(correct_words(_words("quyết đinh hoà"), options=options)) == "quyết đinh hoà"


@pytest.mark.parametrize("printed", ["hoà giải", "hòa giải", "Uỷ ban", "Ủy ban", "khoẻ", "khỏe"])
def test_the_printed_tone_placement_is_kept(printed: str) -> None:
    # both placements are correct: a doubtful word read right is not re-spelled in the other
    assert _text(correct_words(_words(f"{printed} quyết đinh"))) == f"{printed} quyết định"


def test_a_corrected_word_takes_the_placement_its_page_prints() -> None:
    assert _text(correct_words(_words("thuỷ lợi và uy ban"))) == "thuỷ lợi và uỷ ban"
    assert _text(correct_words(_words("thủy lợi và uy ban"))) == "thủy lợi và ủy ban"
    assert _text(correct_words(_words("uy ban nhân dân"))) == "ủy ban nhân dân"


def test_case_is_kept() -> None:
    assert _text(correct_words(_words("QUYÊT ĐỊNH"))) == "QUYẾT ĐỊNH"
    assert _text(correct_words(_words("Quyết Đinh"))) == "Quyết Định"


def test_mark_edits_counts_glyphs_added_dropped_or_swapped() -> None:
    assert mark_edits("dinh", "định") == 2  # the bar of đ, the dot below
    assert mark_edits("nươc", "nước") == 1
    assert mark_edits("ấn", "ẩn") == 1  # acute read as hook above the circumflex
    assert mark_edits("nãm", "năm") == 1  # tilde read for breve
    assert mark_edits("ngây", "ngày") == 1
    assert mark_edits("quyết", "quyết") == 0


def test_no_words_no_work() -> None:
    assert correct_words([]) == []
