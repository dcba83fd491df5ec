"""Correction of real Tesseract mark errors, and what it must never touch."""

import pytest

from models.recognition import Box, Word
from ocr.vietnamese.correct import CorrectionOptions, attested, correct_words, mark_edits
from ocr.vietnamese.model import SyllableModel


def _words(text: str, confidence: float | list[float] = 70) -> list[Word]:
    texts = text.split()
    confidences = confidence if isinstance(confidence, list) else [confidence] * len(texts)
    return [
        Word(
            text=t,
            confidence=c,
            box=Box(left=10 * i, top=0, width=9, height=9),
            block=1,
            line=0,
        )
        for i, (t, c) in enumerate(zip(texts, confidences, strict=True))
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
        ("hợp lô bàng có số", [96, 83, 96, 96, 76], "hợp lô hàng có số"),
        ("HỌC ĐÁP ƯNG NHƯ CẤU CHO", [96, 93, 55, 66, 49, 93], "HỌC ĐÁP ỨNG NHU CẦU CHO"),
        ("theo nhụ cấu của", [95, 93, 52, 96], "theo nhu cầu của"),
        # real scans (real-scans-nogt, Decision 707/QĐ-TTg): confident and wrong, each fixed
        # by a pair the legal corpus holds thousands of times
        ("quốc gia, tô chức và", [96, 96, 96, 96, 96], "quốc gia, tổ chức và"),
        ("của các tô chức tài", [96, 96, 97, 96, 96], "của các tổ chức tài"),
        (
            "Viện kiêm sát nhân dân tôi cao;",
            [96, 96, 96, 96, 96, 97, 96],
            "Viện kiểm sát nhân dân tối cao;",
        ),
        ("động yêu câu các đơn", [96, 96, 96, 96, 96], "động yêu cầu các đơn"),
        ("ngành khác phôi hợp thực", [96, 96, 97, 96, 96], "ngành khác phối hợp thực"),
        ("mật trong phôi hợp,", [96, 96, 96, 96], "mật trong phối hợp,"),
    ],
)
def test_tesseract_misreadings_are_corrected(
    read: str, confidences: list[float], meant: str
) -> None:
    assert _text(correct_words(_words(read, confidences))) == meant


@pytest.mark.parametrize(
    ("read", "confidences"),
    [
        # Tesseract's confidences at its own words of this line (bench/correction.py): "ngây"
        # and "nãm" spell syllables and stand between commas, so no neighbour vouches for
        # "ngày" or "năm" (with these numbers the old correction changed them on frequency)
        ("(giờ, phút, ngây, tháng, nãm) vào Phiếu", [50, 95, 90, 93, 91, 96, 96]),
        # what the correction did to words read right, on outside pages (nomvn-dev), with
        # Tesseract's confidences there: the legal corpus merely finds the other word commoner
        ("vào thế kỷ thứ", [96, 96, 96.8, 96]),  # not "kỳ"
        ("nơi hội tụ của các", [96, 96, 96, 96, 96]),  # not "hội tư"
        ("các bạn", [96, 96.8]),  # not "bản"
        ("Tôi mới", [96.5, 96]),  # not "Tội"
        ("cho phép tôi được", [96, 96, 96.7, 96]),  # not "tội"
        ("con chó", [96, 96.7]),  # not "cho"
        ("tôi chờ khách", [96, 96.6, 96]),  # not "chở"
        ("việc ma chay", [96, 96.9, 96.8]),  # not "mà cháy"
    ],
)
def test_confident_readings_without_a_pair_to_vouch_for_a_change_are_kept(
    read: str, confidences: list[float]
) -> None:
    assert _text(correct_words(_words(read, confidences))) == read


@pytest.mark.parametrize(
    "read",
    [
        "số 56 đường Nguyễn Trãi, quận Thanh Xuân",  # not "Trái"
        "phường Nam Dương, quận Hải Châu",  # not "Năm Dương", "quan Hai Châu"
        "vua Lý Thánh Tông",  # not "Thanh Tổng"
        "Họ và tên: Trần Thị Nhung",  # not "Nhưng"
        "Người nộp tiền: Lê Văn Đông",  # not "Đồng"
        "Truyen Kieu",  # a title typed without marks, kept whole though no syllable
    ],
)
def test_names_and_places_are_kept_even_when_tesseract_doubts_them(read: str) -> None:
    assert _text(correct_words(_words(read, confidence=30))) == read


@pytest.mark.parametrize("confidence", [40, 95])
def test_a_line_that_is_a_name_alone_is_kept(confidence: float) -> None:
    # a signer under the signature: "Đỗ Thị" is no misread "đô thị" (urban), however common
    assert _text(correct_words(_words("Đỗ Thị Yến", confidence))) == "Đỗ Thị Yến"
    # the same two words inside a sentence are a misread pair of the corpus
    assert _text(correct_words(_words("quy hoạch Đỗ Thị mới", confidence))) != (
        "quy hoạch Đỗ Thị mới"
    )


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("quy định vê việc", "quy định về việc"),
        ("các sản phâm của", "các sản phẩm của"),
        ("tại Diều 28 Thông tư", "tại Điều 28 Thông tư"),
    ],
)
@pytest.mark.parametrize("confidence", [40, 96])
def test_the_good_corrections_of_the_issue_are_made_doubted_or_not(
    read: str, meant: str, confidence: float
) -> None:
    assert _text(correct_words(_words(read, confidence))) == meant


@pytest.mark.parametrize("read", ["vào kỷ nguyên mới", "cùng bạn bè"])
def test_a_doubtful_valid_word_also_needs_a_pair_to_vouch_for_its_replacement(read: str) -> None:
    # "ký nguyên" and "bản bè" make no pair of the legal corpus: only frequency favours them
    assert _text(correct_words(_words(read, 40))) == read
    frequency_alone = CorrectionOptions(doubted_pairs=0)
    assert _text(correct_words(_words(read, 40), options=frequency_alone)) != read


def test_a_pair_attests_when_seen_often_more_than_the_reading_and_more_than_by_chance() -> None:
    model = SyllableModel(
        {"tổ": 1000, "tô": 100, "chức": 1000, "các": 50_000, "là": 50_000, "và": 48_000},
        {"tổ": {"chức": 900}, "tô": {"chức": 2}, "các": {"là": 60}, "là": {"và": 600}},
    )
    options = CorrectionOptions()
    assert attested(("tổ", "chức"), ("tô", "chức"), 50, model, options)
    assert not attested(("tổ", "chức"), ("tô", "chức"), 1000, model, options)  # too rare
    assert not attested(
        ("tổ", "chức"),
        ("tô", "chức"),
        50,
        model,
        options.model_copy(update={"attested_ratio": 500}),
    )  # the reading's own pair is seen too
    # 60 "các là" among 150 000 syllables: two words that common meet ~17 times by chance
    assert not attested(("các", "là"), ("các", "lá"), 50, model, options)


def test_the_example_of_the_issue() -> None:
    assert _text(correct_words(_words("quyết đinh"))) == "quyết định"


def test_the_raw_words_are_left_as_they_were() -> None:
    raw = _words("quyết đinh")
    fixed = correct_words(raw)
    assert raw[1].text == "đinh" and fixed[1].text == "định"
    assert fixed[1].box == raw[1].box and fixed[1].confidence == raw[1].confidence


def test_a_confident_valid_word_is_kept_unless_a_neighbour_vouches() -> None:
    # "đinh" (a nail) spells a syllable: alone, or beside a word it pairs with, it is believed
    assert _text(correct_words(_words("đinh", confidence=97))) == "đinh"
    assert _text(correct_words(_words("cái đinh sắt", confidence=97))) == "cái đinh sắt"
    # "quyết định" is one of the commonest pairs of the legal corpus: that is evidence
    assert _text(correct_words(_words("quyết đinh", confidence=97))) == "quyết định"


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
