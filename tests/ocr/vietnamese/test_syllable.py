"""The validator follows the orthographic rules: onsets, rhymes, glides, tones on stop endings."""

import pytest

from ocr.vietnamese.syllable import Tone, is_valid, parse


@pytest.mark.parametrize(
    "word",
    ["kiến", "ghế", "nghiêng", "ký", "kẻ"],  # k, gh, ngh before i, e, ê, y
)
def test_k_gh_ngh_go_before_front_vowels(word: str) -> None:
    assert is_valid(word)


@pytest.mark.parametrize("word", ["ka", "ghô", "nghang", "kuyết"])
def test_k_gh_ngh_go_nowhere_else(word: str) -> None:
    assert not is_valid(word)


@pytest.mark.parametrize("word", ["ce", "gê", "nghe", "ngê", "cy"])
def test_c_g_ng_never_go_before_front_vowels(word: str) -> None:
    assert is_valid(word) == (word == "nghe")


@pytest.mark.parametrize("word", ["cấp", "lập", "việt", "mặt", "học", "thích", "định", "lịch"])
def test_a_stop_ending_takes_the_acute_or_the_dot_below(word: str) -> None:
    assert is_valid(word)


@pytest.mark.parametrize("word", ["cầp", "lẩp", "viêt", "mãt", "hỏc", "thich", "đỉnh"])
def test_a_stop_ending_refuses_the_other_tones(word: str) -> None:
    # "đỉnh" is a word (summit): -nh is a nasal, not a stop; the others are not syllables
    assert is_valid(word) == (word == "đỉnh")


def test_the_tone_of_a_stop_ending_is_what_parse_reports() -> None:
    syllable = parse("quyết")
    assert syllable is not None
    assert (syllable.onset, syllable.nucleus, syllable.coda, syllable.tone) == (
        "qu",
        "yê",
        "t",
        Tone.ACUTE,
    )


@pytest.mark.parametrize(
    "word", ["quý", "quỳnh", "quốc", "quân", "quyền", "giếng", "gìn", "già", "giữa", "ủy", "khuya"]
)
def test_qu_gi_and_the_glide(word: str) -> None:
    assert is_valid(word)


@pytest.mark.parametrize(
    "word",
    [
        "nhâ",  # â needs a coda
        "iên",  # iê opens no syllable: it is written yên
        "ya",  # ya only after the glide (khuya)
        "boan",  # labials take no glide
        "ơng",  # ơ takes no -ng
        "êng",  # nor ê (it is -nh: ênh)
        "éch",  # e takes -c (éc), not -ch (that is ê: ếch)
    ],
)
def test_rhymes_outside_the_tables(word: str) -> None:
    assert not is_valid(word)
    assert (
        is_valid("éc")
        and is_valid("yên")
        and is_valid("khuya")
        and is_valid("ênh")
        and is_valid("ếch")
    )


@pytest.mark.parametrize("word", ["hòa", "hoà", "thủy", "thuỷ", "khỏe", "khoẻ", "ủy", "uỷ"])
def test_both_tone_placements_validate(word: str) -> None:
    assert is_valid(word)


@pytest.mark.parametrize(
    ("misplaced", "right"),
    [("hòan", "hoàn"), ("ngừơi", "người"), ("qúyết", "quyết"), ("gíữa", "giữa"), ("miá", "mía")],
)
def test_a_mark_on_the_wrong_vowel_does_not(misplaced: str, right: str) -> None:
    assert not is_valid(misplaced) and is_valid(right)


@pytest.mark.parametrize("word", ["tổchức", "hoá́", "zalo", "wifi", "12", "", "đ"])
def test_non_syllables(word: str) -> None:
    assert not is_valid(word)


def test_case_is_ignored() -> None:
    assert is_valid("QUYẾT") and is_valid("Định")
