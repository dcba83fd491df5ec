import unicodedata

from models.recognition import Box, Word
from ocr.text import nfc, page_text


def _word(text: str, block: int, line: int) -> Word:
    return Word(
        text=text, confidence=90, box=Box(left=0, top=0, width=1, height=1), block=block, line=line
    )


def test_decomposed_vietnamese_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert decomposed != "Nguyễn Văn An"
    assert nfc(decomposed) == "Nguyễn Văn An"


def test_words_join_into_lines_and_blocks() -> None:
    words = [_word("Quyết", 1, 0), _word("định", 1, 0), _word("số", 1, 1), _word("Điều", 2, 2)]
    assert page_text(words) == "Quyết định\nsố\n\nĐiều"
