"""Which words the correction keeps as read: names, places, labels' values, unmarked titles."""

from __future__ import annotations

from models.recognition import Box, Word
from ocr.vietnamese.names import (
    Reading,
    after_labels,
    capitalised,
    opens_sentence,
    written_without_marks,
)
from ocr.vietnamese.normalise import split_token


def _page(*lines: str) -> tuple[list[Word], list[Reading]]:
    words = [
        Word(text=t, confidence=90, box=Box(left=0, top=0, width=1, height=1), block=1, line=n)
        for n, line in enumerate(lines)
        for t in line.split()
    ]
    return words, [Reading(*split_token(w.text)) for w in words]


def _kept(found: set[int], words: list[Word]) -> list[str]:
    return [words[i].text for i in sorted(found)]


def test_a_capital_inside_a_sentence_is_a_name_one_opening_it_is_not() -> None:
    words, tokens = _page("Tôi gặp ông Nguyễn Trãi ở Hà Nội. Sau đó về nhà.")
    assert _kept(capitalised(words, tokens, 5), words) == ["Nguyễn", "Trãi", "Hà", "Nội."]
    assert opens_sentence(words, tokens, 0) and opens_sentence(words, tokens, 8)


def test_two_title_case_words_are_a_name_even_at_the_start_of_a_sentence() -> None:
    words, tokens = _page("Nguyễn Trãi viết. Bạn đã đọc?")
    assert _kept(capitalised(words, tokens, 5), words) == ["Nguyễn", "Trãi"]


def test_capitals_are_kept_outside_a_heading() -> None:
    words, tokens = _page("Họ tên NGUYỄN VĂN AN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert _kept(capitalised(words, tokens, 5), words) == ["NGUYỄN", "VĂN", "AN"]


def test_a_list_marker_or_a_bracket_opens_a_sentence() -> None:
    words, tokens = _page("- Đăng ký (Phụ lục kèm theo) a) Bổ sung")
    assert _kept(capitalised(words, tokens, 5), words) == []


def test_the_run_after_a_name_or_place_label_is_kept_with_a_place_label() -> None:
    words, tokens = _page(
        "Họ và tên: TRẦN THỊ NHUNG",
        "Địa chỉ: số 5 đường Nguyễn Trãi, phường Nam Dương, quận Hải Châu",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
    )
    assert _kept(after_labels(words, tokens, 5), words) == [
        "TRẦN",
        "THỊ",
        "NHUNG",
        "đường",
        "Nguyễn",
        "Trãi,",
        "phường",
        "Nam",
        "Dương,",
        "quận",
        "Hải",
        "Châu",
        "TỈNH",
        "QUẢNG",
        "NAM",
    ]


def test_a_heading_after_a_colon_xa_hoi_or_a_label_ending_a_sentence_is_no_name() -> None:
    words, tokens = _page(
        "TIỂU DỰ ÁN 2: BỒI DƯỠNG KIẾN THỨC DÂN TỘC", "CỘNG HÒA XÃ HỘI", "cấp huyện; Căn cứ"
    )
    assert after_labels(words, tokens, 5) == set()


def test_capitalised_words_without_any_mark_and_no_syllable_are_kept_whole() -> None:
    words, tokens = _page("Bai Tua Truyen Kieu", "Bộ Tài chính, Quyết Định")
    assert _kept(written_without_marks(words, tokens), words) == ["Bai", "Tua", "Truyen", "Kieu"]
