import unicodedata

from models.recognition import Box, Word
from ocr.text import blocks_of, lines_of, nfc, page_text


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


def _placed(text: str, left: int, top: int, block: int, line: int, conf: float = 90) -> Word:
    return Word(
        text=text,
        confidence=conf,
        box=Box(left=left, top=top, width=40, height=20),
        block=block,
        line=line,
    )


def test_lines_and_blocks_enclose_their_words() -> None:
    words = [
        _placed("Cộng", 10, 10, 1, 0, 80),
        _placed("hòa", 60, 12, 1, 0, 100),
        _placed("Độc", 10, 40, 1, 1),
        _placed("Điều", 10, 100, 2, 2),
    ]
    lines = lines_of(words)
    assert [ln.text for ln in lines] == ["Cộng hòa", "Độc", "Điều"]
    assert lines[0].box == Box(left=10, top=10, width=90, height=22)
    assert lines[0].confidence == 90
    blocks = blocks_of(lines)
    assert [(b.number, b.lines) for b in blocks] == [(1, 2), (2, 1)]
    assert blocks[0].box == Box(left=10, top=10, width=90, height=50)
