"""Which of Tesseract's words are text: not a mark's ink read as letters, not a speck, not a
picture's texture, not a second reading lying over a better one.

`ocr.layout` and `ocr.table_layout` order only these; what is dropped here is never stored.
Every rule keeps what could be the paper's own print (a syllable, a number, a bracketed
foreign script) and drops only what Tesseract itself doubts or what lies in a mark.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from itertools import groupby, pairwise

import numpy as np
from numpy.typing import NDArray

from models.recognition import Region, RegionKind, Word
from ocr.checks import PUNCTUATION, spelled
from ocr.vietnamese.normalise import fold_diacritics

MARKS = (RegionKind.SEAL, RegionKind.SIGNATURE, RegionKind.PHOTO, RegionKind.QR_CODE)
"""Ink that is not text: words inside them that look like junk are the mark (a seal over the
signature, a card's portrait, its QR code) read as letters."""


def mark_ink(word: Word, regions: Sequence[Region]) -> bool:
    """A word inside a seal or signature that is junk or barely recognised: the mark's ink."""
    box = word.box
    cx, cy = box.left + box.width / 2, box.top + box.height / 2
    for region in regions:
        r = region.box
        if (
            region.kind in MARKS
            and r.left <= cx <= r.left + r.width
            and r.top <= cy <= r.top + r.height
        ):
            letters = sum(ch.isalnum() for ch in word.text)
            # Junk: low confidence, mostly not letters, or one doubtful letter of the seal's rim
            # (a real one-letter word such as "ở" under a seal is read with high confidence).
            stray = letters == 1 and word.confidence < 85
            if word.confidence < 50 or stray or letters < 0.6 * len(word.text):
                return True
    return False


def readable(words: Sequence[Word], regions: Sequence[Region]) -> list[int]:
    """Indices of the words that are text: not a mark's ink read as letters, not a speck, not
    a second reading lying over a better one."""
    marked = {i for i, word in enumerate(words) if mark_ink(word, regions)}
    marked -= _within_print(words, marked)
    kept = [i for i in range(len(words)) if i not in marked]
    if not kept:
        return []
    height = statistics.median(words[i].box.height for i in kept)
    apart = _apart(words, kept)
    kept = [i for i in kept if not _speck(words[i], height, apart=i in apart)]
    junk = _junk_at_ends(words, kept)
    kept = [i for i in kept if i not in junk]
    shadowed = _shadowed(words, kept)
    return [i for i in kept if i not in shadowed]


def _within_print(words: Sequence[Word], marked: set[int]) -> set[int]:
    """Of the words a mark's ink was suspected in, those read between two words of print on
    their line, and spelt with letters: body text a seal or a signature was stamped over
    ("chỉđịnh" at 45 % between "tế" and "để"). Dropped, the gap it left cut the line, and its
    end was read after the paragraph. A seal's own rim is read as lines of its own."""
    inside: set[int] = set()
    order = sorted(range(len(words)), key=lambda i: (words[i].line, words[i].box.left))
    for _, group in groupby(order, key=lambda i: words[i].line):
        line = list(group)
        for before, word, after in zip(line, line[1:], line[2:], strict=False):
            text = words[word].text
            letters = sum(ch.isalpha() for ch in text)
            if (
                word in marked
                and before not in marked
                and after not in marked
                and letters >= 2
                and letters >= 0.6 * len(text)
            ):
                inside.add(word)
    return inside


SPECK = 0.35
"""A word whose box is under this share of the page's word height, and whom Tesseract doubts."""


STRAY = frozenset("`*:;'\"“”‘’^~|")
"""Marks that print never sets apart from words (unlike a dash in an empty cell or a leader's
dots): found that small and set apart, they are a picture's pixels."""


def _speck(word: Word, height: float, *, apart: bool = False) -> bool:
    """What is left of a rule or a speck of dust read as letters: a "word" of letters or digits
    under a third of the page's word height (no letter is that small beside the page's text;
    "Hà" six pixels tall at 76 % on a real scan), anything that small Tesseract doubts ("S"
    at 0 %, one pixel tall, beside a title: its place cut the title's line), or a `STRAY` mark
    that small set apart from the words of its line (a card portrait's pixels read as ":" and
    "`" at 81 and 94 % before "Họ và tên" and "Thôn 8")."""
    if word.box.height >= SPECK * height:
        return False
    stray = apart and bool(word.text) and set(word.text) <= STRAY
    return word.confidence < 30 or any(ch.isalnum() for ch in word.text) or stray


def _apart(words: Sequence[Word], kept: Sequence[int]) -> set[int]:
    """The words with a gap at least as wide as their line is tall on either side of them (or
    alone on their line, Tesseract's): not part of the line's print."""
    lines: dict[int, list[int]] = {}
    for i in kept:
        lines.setdefault(words[i].line, []).append(i)
    apart: set[int] = set()
    for line in lines.values():
        line.sort(key=lambda i: words[i].box.left)
        tall = max(words[i].box.height for i in line)
        edges = [(words[i].box.left, words[i].box.left + words[i].box.width) for i in line]
        for k, i in enumerate(line):
            before = edges[k][0] - edges[k - 1][1] if k else tall
            after = edges[k + 1][0] - edges[k][1] if k + 1 < len(line) else tall
            if before >= tall and after >= tall:
                apart.add(i)
    return apart


JUNK = 30.0
"""Below this confidence a word that spells nothing is a picture's texture read as letters."""
NOISE = 10.0
DOUBTED_MARK = 88.0
"""A word of punctuation alone lying over another of its line below this confidence is a
reading of that word's print or of a photocopy's toner (":" at 82 % over "quan" by a black
edge, "." at 83 %), not the print's own punctuation (a card's "/" at 91-93 %, the dashes of
"luật - Bộ Tư pháp" at 93 % on a real scan)."""
"""Below this confidence Tesseract guesses: a syllable it spells is chance."""


def _junk_at_ends(words: Sequence[Word], kept: Sequence[int]) -> set[int]:
    """The `_junk` words at either end of their line (Tesseract's), up to the first that is not
    (bare punctuation among them goes too): a portrait or a photocopy's blotch beside the
    text. Inside a line a junk word stays, as a gap where it was would cut the line in two and
    reorder it ("đánh S So sánh")."""
    dropped: set[int] = set()
    for _, group in groupby(
        sorted(kept, key=lambda i: (words[i].line, words[i].box.left)), key=lambda i: words[i].line
    ):
        line = list(group)
        for run in (line, line[::-1]):
            end: list[int] = []
            for i in run:
                bare = not words[i].text.strip(PUNCTUATION) and not _bracketed(words[i])
                if not (_junk(words[i]) or bare):
                    break
                end.append(i)
            # a dash or a bar beside the junk goes with it; alone, it is the line's own
            if any(_junk(words[i]) for i in end):
                dropped.update(end)
            else:
                dropped.update(_doubted_end(words, run))
    return dropped


def _doubted_end(words: Sequence[Word], run: Sequence[int]) -> list[int]:
    """The words at the start of `run` (a line, from either end) that Tesseract doubts (under
    `JUNK`), when junk is among them and a gap as wide as the line is tall parts them from the
    rest: a portrait beside a card's label, read "Sa" (28 %) and "“eS" (0 %) before "Quê
    quán". A doubted syllable next to print, with no such gap, is kept as the paper's word."""
    end: list[int] = []
    for i in run:
        if words[i].confidence >= JUNK:
            break
        end.append(i)
    if not any(_junk(words[i]) for i in end):
        return []
    if len(end) == len(run):
        return end  # the whole line is doubted, and junk is in it
    last, after = words[end[-1]].box, words[run[len(end)]].box
    if after.left >= last.left:  # read from the left end
        gap = after.left - (last.left + last.width)
    else:
        gap = last.left - (after.left + after.width)
    return end if gap >= max(words[i].box.height for i in run) else []


def _bracketed(word: Word) -> bool:
    """A word in brackets, or one read with some belief beside a bracket: a portrait's texture
    read "“(Œœna" at 7 % has one stray bracket and is no bracketed script."""
    brackets = sum(c in "()[]" for c in word.text)
    return brackets >= 2 or (brackets == 1 and word.confidence >= NOISE)


def _junk(word: Word) -> bool:
    """A word Tesseract hardly believes (under `JUNK`) that spells no syllable nor number: the
    texture of an ID card's portrait read as "venÌ", "*===GE.—-", "`»..." (at 12, 0 and 29 %).
    A doubted word that spells a syllable stays (it may be the paper's word read faintly) unless
    Tesseract only guessed it (under `NOISE`: "À" at 7 %); a word of digits mostly stays (an ID
    number read "6815zzzzu221" still has most of its digits), and so does one with a bracket
    (Hán characters in brackets read as "[TIII)": the brackets are right, and dropped, the
    line's order changed)."""
    if word.confidence >= JUNK or _bracketed(word):
        return False
    core = word.text.strip(PUNCTUATION)
    if not core:
        return True
    if 2 * sum(ch.isdigit() for ch in core) >= len(core):
        return False
    return not spelled(core) or word.confidence < NOISE


CONFIDENT_NEIGHBOUR = 90.0
"""A word next to one this sure of itself on its line stands in a line of print."""


def _shadowed(words: Sequence[Word], kept: Sequence[int]) -> set[int]:
    """Words lying as much as 40 % over more confident words of other lines: Tesseract's
    reading of the marks of one line and the tails of the line above as a line between them
    ("Hường" at 43 % across "quan theo" and "định pháp" in a real table cell). One matrix of
    overlaps for the page. On one line, only a second reading of the same print goes ("hàng l
    loạt", "Tòa á án", "đề để" on a real scan): Tesseract also boxes a word over its neighbours
    ("tính" across "/ Sex:" on a card, "liên" across "quan"), and they were lost with it.
    When the doubted reading holds all of the confident one's letters and more ("Tiệp" over
    "ếp"), the part goes: dropping the whole cost the letters only it had read. A word next to
    confident print on its own line (`_in_print`) is shadowed from another line only by a second
    reading of its print."""
    if len(kept) < 2:
        return set()
    box = np.array(
        [
            [words[i].box.left, words[i].box.top, words[i].box.width, words[i].box.height]
            for i in kept
        ],
        dtype=np.float64,
    )
    confidence = np.array([words[i].confidence for i in kept])
    left, top = box[:, 0], box[:, 1]
    right, bottom = left + box[:, 2], top + box[:, 3]
    dx = np.minimum(right[:, None], right[None, :]) - np.maximum(left[:, None], left[None, :])
    dy = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
    overlap = np.clip(dx, 0, None) * np.clip(dy, 0, None)
    overlap[confidence[None, :] <= confidence[:, None]] = 0  # only more confident words count
    line = np.array([words[i].line for i in kept])
    area = box[:, 2] * box[:, 3]
    parts: set[int] = set()
    for a, b in zip(*np.nonzero((overlap > 0) & (line[:, None] == line[None, :])), strict=True):
        word, over = words[kept[int(a)]], words[kept[int(b)]]
        if not _second_reading(word, over):
            overlap[a, b] = 0
        elif _fuller(word, over) and overlap[a, b] >= 0.4 * area[b]:
            # The doubted reading holds more of the print: the confident part goes instead
            # ("Tiệp" 84 % over "ếp" 92 % on a real table cell lost "Ti").
            overlap[a, b] = 0
            parts.add(kept[int(b)])
    # A word standing in a line of confident print is that line's, whatever a taller box of the
    # line above reaches down over it ("cầu" at 81 % under "Tiếp", whose box took in the marks
    # below, in a real table cell): another line's word shadows it only when it reads the same
    # print again ("tỐI" under "tối").
    in_print = _in_print(words, kept)
    across = (overlap > 0) & (line[:, None] != line[None, :]) & in_print[:, None]
    for a, b in zip(*np.nonzero(across), strict=True):
        if not _second_reading(words[kept[int(a)]], words[kept[int(b)]]):
            overlap[a, b] = 0
    covered = overlap.sum(axis=1)
    shadowed = {kept[int(k)] for k in np.nonzero((area > 0) & (covered >= 0.4 * area))[0]}
    return shadowed | parts


def _in_print(words: Sequence[Word], kept: Sequence[int]) -> NDArray[np.bool_]:
    """For each kept word, whether a confident word of its line stands next to it (a gap under
    the word's height, level with it): it is a word of that line, not a reading between two."""
    out = np.zeros(len(kept), dtype=bool)
    by_line = sorted(range(len(kept)), key=lambda k: (words[kept[k]].line, words[kept[k]].box.left))
    for _, group in groupby(by_line, key=lambda k: words[kept[k]].line):
        members = list(group)
        for a, b in pairwise(members):
            left, right = words[kept[a]].box, words[kept[b]].box
            gap = right.left - (left.left + left.width)
            level = min(left.top + left.height, right.top + right.height) - max(left.top, right.top)
            near = gap < min(left.height, right.height) and level >= 0.5 * min(
                left.height, right.height
            )
            if near and words[kept[b]].confidence >= CONFIDENT_NEIGHBOUR:
                out[a] = True
            if near and words[kept[a]].confidence >= CONFIDENT_NEIGHBOUR:
                out[b] = True
    return out


def _second_reading(word: Word, over: Word) -> bool:
    """Whether `word`, lying over `over` on its line, reads the same print again: its letters
    (marks aside) within the other's or the other's within its, or no letter at all and
    doubted (".)" over "sản.")."""
    mine, theirs = _letters(word.text), _letters(over.text)
    if not mine:
        return word.confidence < DOUBTED_MARK
    return mine in theirs or theirs in mine


def _fuller(word: Word, part: Word) -> bool:
    """Whether `word` reads more letters of the print than `part`, all of `part`'s among them."""
    mine, theirs = _letters(word.text), _letters(part.text)
    return bool(theirs) and len(mine) > len(theirs) and theirs in mine


def _letters(text: str) -> str:
    return "".join(c for c in fold_diacritics(text).lower() if c.isalnum())
