"""Words the correction keeps as read (names, places), and words it trusts (other capitals).

The syllable model knows legal prose, not people: to it "Nguyễn Trãi" is a misread "Nguyễn Trái"
and "phường Nam Dương" a misread "phường Năm Dương". The run after a name or place label, a line
that is a name alone, the places of data/protected.txt and capitalised runs typed without marks
are never changed. Other capitalised words are trusted like a word Tesseract is sure of (only a
pair the corpus holds as a word moves them: "tại Kê hoạch này"), unless they merely open a
sentence ("Tôi", "Điều") or sit in a long heading in capitals ("CÔNG HÓA XÃ HỘI…", whose marks
are fixed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from itertools import groupby

from models.recognition import Word
from ocr.vietnamese.normalise import fold_tone_placement, normalise_word, place_tone
from ocr.vietnamese.syllable import is_valid

NAME_LABELS = (
    "họ và tên",
    "họ tên",
    "tên",
    "tôi tên là",
    "tên tôi là",
    "ông",
    "bà",
    "ông/bà",
    "bà/ông",
    "anh",
    "chị",
    "anh/chị",
    "cháu",
    "em",
    "cụ",
    "đại diện",
)
"""What precedes a person's name on a paper; any label ending in ':' ("Người đại diện:",
"Người nộp tiền:", "Quê quán:") counts too."""

PLACE_LABELS = (
    "đường",
    "phố",
    "ngõ",
    "ngách",
    "hẻm",
    "phường",
    "quận",
    "huyện",
    "tỉnh",
    "thành phố",
    "thị xã",
    "thị trấn",
    "xã",
    "thôn",
    "ấp",
    "xóm",
    "bản",
    "làng",
    "khu phố",
    "tổ dân phố",
    "khu",
    "sông",
    "núi",
)
"""What precedes a place's name ("đường Nguyễn Trãi", "phường Nam Dương", "TỈNH QUẢNG NAM")."""

_LABELS = tuple(
    tuple(label.split()) for label in sorted({*NAME_LABELS, *PLACE_LABELS}, key=len, reverse=True)
)
_PLACES = frozenset(tuple(label.split()) for label in PLACE_LABELS)
_ENDING_IN: dict[str, tuple[tuple[str, ...], ...]] = {
    last: tuple(label for label in _LABELS if label[-1] == last)
    for last in {words[-1] for words in _LABELS}
}
"""The labels by their last word, longest first: a word is checked against its own few only."""
_NOT_LABELLED = frozenset({("xã", "hội")})
"""A label word that is the first half of a common word ("CỘNG HÒA XÃ HỘI")."""
_SENTENCE_END = frozenset(".!?:;…")
_LIST_MARKER = re.compile(r"^(\(?([0-9]{1,3}|[IVXivx]{1,5}|[a-zđ])[.)]|[-–—•+*·]+)$")
_OPENING = frozenset("([{\"'“‘«")


@dataclass(frozen=True)
class Reading:
    """One word as the correction sees it: punctuation before, the word, punctuation after."""

    head: str
    core: str
    tail: str


def capitalised(words: Sequence[Word], tokens: Sequence[Reading], heading_run: int) -> set[int]:
    """Indices of the capitalised words that are not a sentence's first or a heading's.

    Capitals outside a heading of `heading_run` or more words; title-case words that do not open
    a sentence; a run of two or more title-case words anywhere (a name at the start of a line).
    """
    headings = heading_words(words, [t.core for t in tokens], heading_run)
    found: set[int] = set()
    for i, token in enumerate(tokens):
        core = token.core
        if not core[:1].isupper():
            continue
        if core.isupper() and len(core) > 1:
            if i not in headings:
                found.add(i)
        elif _in_title_run(words, tokens, i) or not opens_sentence(words, tokens, i):
            found.add(i)
    return found


def written_without_marks(words: Sequence[Word], tokens: Sequence[Reading]) -> set[int]:
    """Indices of runs of two or more capitalised words on a line, none with a mark, one of
    them no syllable: a name or title typed without Vietnamese input ("Truyen Kieu", "Le Mur",
    "NGUYEN VAN AN"), kept whole as read, even its words that spell no syllable."""
    found: set[int] = set()
    run: list[int] = []
    for i, token in enumerate([*tokens, Reading("", "", "")]):
        bare = _bare_capitalised(token.core)
        if bare and run and _joined(words, tokens, run[-1], i):
            run.append(i)
            continue
        if len(run) >= 2 and not all(is_valid(tokens[k].core) for k in run):
            found.update(run)
        run = [i] if bare else []
    return found


def name_lines(words: Sequence[Word], tokens: Sequence[Reading]) -> set[int]:
    """Indices of the words of each line that is a name alone: three or four title-case words,
    no punctuation ("Đỗ Thị Yến" under a signature). To the bigram model "Đỗ Thị" is a misread
    "đô thị" (urban), a pair the legal corpus holds thousands of times: such a line is kept as
    read where it spells syllables, as the run after a name label is. Vietnamese capitalises
    every word of a name and no word of a phrase; two words alone ("Trách Nhiêm") may still
    be a heading's."""
    found: set[int] = set()
    for _, group in groupby(range(len(words)), key=lambda k: (words[k].block, words[k].line)):
        line = list(group)
        if 3 <= len(line) <= 4 and all(
            _title(tokens[k].core)
            and tokens[k].core.isalpha()
            and not tokens[k].head
            and not tokens[k].tail
            for k in line
        ):
            found.update(line)
    return found


def _bare_capitalised(core: str) -> bool:
    return core[:1].isupper() and core.isascii() and core.isalpha()


def opens_sentence(words: Sequence[Word], tokens: Sequence[Reading], i: int) -> bool:
    """Whether word `i` begins a sentence, a block, a list item or a bracket."""
    if i == 0 or words[i].block != words[i - 1].block or tokens[i].head[-1:] in _OPENING:
        return True
    before = tokens[i - 1]
    if before.tail and before.tail[-1] in _SENTENCE_END:
        return True
    return bool(_LIST_MARKER.match(before.head + before.core + before.tail))


def after_labels(words: Sequence[Word], tokens: Sequence[Reading], heading_run: int) -> set[int]:
    """The capitalised run after each name or place label (and a place label's own words), and
    the run after any other label ending in ':' ("Người nộp tiền: Trần Văn Nam") unless it is a
    heading ("DỰ ÁN 2: BỒI DƯỠNG KIẾN THỨC…")."""
    headings = heading_words(words, [t.core for t in tokens], heading_run)
    plain = [_plain(t) for t in tokens]
    found: set[int] = set()
    for i in range(len(tokens)):
        if tuple(plain[i : i + 2]) in _NOT_LABELLED:
            continue
        label = next(
            (
                label
                for label in _ENDING_IN.get(plain[i], ())
                if i + 1 >= len(label) and tuple(plain[i + 1 - len(label) : i + 1]) == label
            ),
            None,
        )
        if not tokens[i].tail.endswith(":") and (label is None or tokens[i].tail):
            continue  # no label, or one that ends its sentence ("cấp huyện; Căn cứ")
        run = _capitalised_run(words, tokens, i + 1)
        if label is None:
            found.update(k for k in run if k not in headings)
        elif run:
            if label in _PLACES:
                # "quận Hải Châu": the model would read "quan hải" (cơ quan hải quan) otherwise
                found.update(range(i + 1 - len(label), i + 1))
            found.update(run)
    return found


def _plain(token: Reading) -> str:
    """The word as a label would be written: lower case, one tone placement ("Ông/Bà" kept)."""
    text = token.core or (token.head + token.tail).strip(".,:;()")
    return fold_tone_placement(text.lower())


def _capitalised_run(words: Sequence[Word], tokens: Sequence[Reading], start: int) -> list[int]:
    run: list[int] = []
    for i in range(start, len(tokens)):
        token = tokens[i]
        if (
            not token.core[:1].isupper()
            or words[i].line != words[start].line
            or (run and token.head)
        ):
            break
        run.append(i)
        if token.tail:
            break
    return run


def _in_title_run(words: Sequence[Word], tokens: Sequence[Reading], i: int) -> bool:
    """Whether word `i` and a neighbour on its line are both title case, nothing between."""

    def titled(a: int, b: int) -> bool:
        return (
            a >= 0
            and b < len(tokens)
            and _joined(words, tokens, a, b)
            and all(_title(tokens[k].core) for k in (a, b))
        )

    return titled(i - 1, i) or titled(i, i + 1)


def _joined(words: Sequence[Word], tokens: Sequence[Reading], a: int, b: int) -> bool:
    """Whether words `a` and `b` (next to it) are on one line, no punctuation between."""
    return words[a].line == words[b].line and not tokens[a].tail and not tokens[b].head


def _title(core: str) -> bool:
    return core[:1].isupper() and not (core.isupper() and len(core) > 1)


def heading_words(words: Sequence[Word], cores: Sequence[str], run: int) -> set[int]:
    """Indices of words in runs of at least `run` capitalised words on one line.

    Names in capitals (NGUYỄN VĂN AN) are left as read when they spell syllables; a run as long
    as "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" is a heading, and its misread marks are corrected.
    """
    found: set[int] = set()
    start = 0
    for i in range(len(words) + 1):
        ends = i == len(words) or not cores[i].isupper() or words[i].line != words[start].line
        if ends:
            if i - start >= run:
                found.update(range(start, i))
            start = i + 1 if i < len(words) and not cores[i].isupper() else i
    return found


def protected_names(
    tokens: Sequence[Reading], keys: Sequence[str], names: frozenset[tuple[str, ...]]
) -> set[int]:
    """Indices of capitalised words that spell, with their neighbours, a protected name.

    `keys`: the words in lower case, one tone placement (as `name_syllables` spells them)."""
    found: set[int] = set()
    longest = max((len(n) for n in names), default=0)
    for i in range(len(tokens)):
        for size in range(1, longest + 1):
            span = tokens[i : i + size]
            if len(span) < size or not all(t.core[:1].isupper() for t in span):
                break
            if tuple(keys[i : i + size]) in names:
                found.update(range(i, i + size))
    return found


@cache
def protected_words() -> frozenset[tuple[str, ...]]:
    """Place names (lower case syllables) left alone when capitalised: Đắk Lắk, Krông Búk..."""
    text = files("ocr.vietnamese").joinpath("data").joinpath("protected.txt").read_text("utf-8")
    return name_syllables(line for line in text.splitlines() if not line.startswith("#"))


def name_syllables(lines: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(place_tone(normalise_word(word)).lower() for word in line.split())
        for line in lines
        if line.strip()
    )
