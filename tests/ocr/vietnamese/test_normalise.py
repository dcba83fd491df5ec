"""The stored form: NFC, marks in order, Latin letters, the page's own tone placement; search and
the syllable model fold both placements to the old one."""

import unicodedata

import pytest

from ocr.vietnamese.model import default_model
from ocr.vietnamese.normalise import (
    fold_tone_placement,
    normalise_text,
    old_placement,
    page_placement,
    skeleton,
)
from ocr.vietnamese.syllable import parse


def test_decomposed_text_is_composed() -> None:
    text = unicodedata.normalize("NFD", "Quyết định số 15 của Ủy ban")
    assert normalise_text(text) == "Quyết định số 15 của Ủy ban"


def test_tone_mark_before_the_circumflex_is_reordered() -> None:
    # e + acute + circumflex: NFC alone cannot compose it into "ế"
    odd = "quy" + "e\u0301\u0302" + "t"
    assert unicodedata.normalize("NFC", odd) != "quyết"
    assert normalise_text(odd) == "quyết"


def test_a_repeated_mark_is_dropped() -> None:
    assert normalise_text("đi" + "\u0323\u0323" + "nh") == "định"


@pytest.mark.parametrize(
    ("lookalike", "latin"),
    [
        ("Vi\u0435\u0302\u0323t", "Việt"),  # Cyrillic е
        ("c\u043e\u0301", "có"),  # Cyrillic о
        ("\u0445\u00e3", "xã"),  # Cyrillic х
        ("ðịnh", "định"),  # Icelandic eth
        ("ÐIỀU", "ĐIỀU"),
        ("h\u03bf\u0323c", "học"),  # Greek omicron
    ],
)
def test_lookalike_letters_become_latin(lookalike: str, latin: str) -> None:
    assert normalise_text(lookalike) == latin


def test_a_cyrillic_word_stays_cyrillic() -> None:
    assert normalise_text("Россия") == "Россия"


PLACEMENTS = [("hoà", "hòa"), ("Thuỷ", "Thủy"), ("KHOẺ", "KHỎE"), ("uỷ", "ủy"), ("hoá,", "hóa,")]


@pytest.mark.parametrize(("new", "old"), PLACEMENTS)
def test_the_printed_tone_placement_is_stored(new: str, old: str) -> None:
    # a digitized copy says what the paper says: both placements are correct spellings
    assert normalise_text(new) == new
    assert normalise_text(old) == old
    assert normalise_text(unicodedata.normalize("NFD", new)) == new


@pytest.mark.parametrize(("new", "old"), PLACEMENTS)
def test_search_folds_both_placements_to_the_old_one(new: str, old: str) -> None:
    assert fold_tone_placement(new) == old
    assert fold_tone_placement(old) == old
    assert fold_tone_placement("Cộng hoà, thuỷ lợi") == "Cộng hòa, thủy lợi"


@pytest.mark.parametrize("word", ["hoàn", "quý", "thuyền", "khuya", "giữa"])
def test_other_syllables_have_one_placement(word: str) -> None:
    assert normalise_text(word) == fold_tone_placement(word) == word
    assert old_placement(word) is None


def test_the_placement_a_word_and_a_page_use() -> None:
    assert old_placement("hòa") is True
    assert old_placement("hoà") is False
    assert page_placement(["Cộng", "hoà", "thuỷ", "hóa"]) is False
    assert page_placement(["hòa", "hoà"]) is True  # a tie, or a page that never says: old
    assert page_placement(["quyết", "định"]) is True


def test_numbers_codes_and_spacing_pass_through() -> None:
    text = "Số: 12/2020/NĐ-CP\n  ngày 01/07/2020 (mã 1.001193)"
    assert normalise_text(text) == text


def test_skeleton_strips_every_mark() -> None:
    assert skeleton("Quyết Định đường") == "quyet dinh duong"


def test_every_syllable_of_the_model_round_trips_through_both_placements() -> None:
    for word in default_model().unigrams:
        syllable = parse(word)
        assert syllable is not None, word
        assert syllable.spell() == word  # the model is stored in the old placement
        assert fold_tone_placement(syllable.spell(old_style=False)) == word
