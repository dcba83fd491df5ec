"""Vietnamese text in its stored form (NFC, marks in order, Latin letters), and search's folds.

Tesseract emits decomposed marks in odd orders (tone before circumflex, which NFC cannot
compose), Latin-looking Cyrillic/Greek letters and "ð" for "đ"; all of it is fixed here. The tone
placement is the page's own: "hoá" and "hóa" are both correct spellings, a digitized copy says
what the paper says, and search folds the two (`fold_tone_placement`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from ocr.vietnamese.syllable import TONE_MARKS, Tone, parse, split_tone

# Letters that look Latin in every font Tesseract was trained on; replaced only inside a token
# that also has Latin letters, so a genuinely Cyrillic or Greek word is left alone.
LOOKALIKES = str.maketrans(
    "аеорсхуіјѕԁһӏАВЕКМНОРСТХУІοανικτυΑΒΕΖΗΙΚΜΝΟΡΤΥΧðÐƉ",
    "aeopcxyijsdhlABEKMHOPCTXYIoaviktuABEZHIKMNOPTYXđĐĐ",
)
_FOREIGN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
VOWEL_MARKS = frozenset("\u0302\u0306\u031b")
"""Circumflex, breve, horn: they belong to the letter and must precede the tone mark."""
_SPACES = re.compile(r"(\s+)")
"""Splits text into tokens (even places) and the whitespace between them (odd places)."""
_CORE = re.compile(r"^(\W*)(\w+?)(\W*)$")


def normalise_text(text: str) -> str:
    """Every token of `text` in its stored form; whitespace is kept as it is."""
    # split, not sub with a callback: the search index normalises every page it writes
    parts = _SPACES.split(text)
    parts[::2] = map(normalise_word, parts[::2])
    return "".join(parts)


@lru_cache(maxsize=65_536)
def normalise_word(token: str) -> str:
    """One whitespace-free token in its stored form (cached: a page repeats its words)."""
    return fix_marks(fix_lookalikes(token))


def split_token(token: str) -> tuple[str, str, str]:
    """Leading punctuation, the word, trailing punctuation; ("x", "", "") if no single word."""
    match = _CORE.match(token)
    return match.groups() if match else (token, "", "")  # type: ignore[return-value]


def fix_lookalikes(token: str) -> str:
    if _FOREIGN.search(token) and _LATIN.search(token):
        token = token.translate(LOOKALIKES)
    return token.translate(str.maketrans("ðÐƉ", "đĐĐ"))


def fix_marks(text: str) -> str:
    """NFC after putting each letter's vowel mark before its tone mark and dropping repeats."""
    out: list[str] = []
    marks: list[str] = []

    def flush() -> None:
        unique = list(dict.fromkeys(marks))
        out.extend(sorted(unique, key=lambda m: (m not in VOWEL_MARKS, m in TONE_MARKS)))
        marks.clear()

    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            marks.append(ch)
        else:
            flush()
            out.append(ch)
    flush()
    return unicodedata.normalize("NFC", "".join(out))


def place_tone(word: str, *, old_style: bool = True) -> str:
    """A valid syllable with its tone mark in one style's place (hoà → hòa); others unchanged."""
    syllable = parse(word)
    if syllable is None:
        return word
    return with_case_of(word, syllable.spell(old_style=old_style))


def old_placement(word: str) -> bool | None:
    """Whether `word` puts its tone in the old place (hòa: True) or the new (hoà: False); None
    when the two styles agree (quyết, hoàn) or it spells no syllable."""
    syllable = parse(word)
    if syllable is None or syllable.tone is Tone.LEVEL:
        return None
    old, new = syllable.tone_index(old_style=True), syllable.tone_index(old_style=False)
    if old == new:
        return None
    return split_tone(word.lower())[1][0][0] == old


def page_placement(words: Iterable[str]) -> bool:
    """Whether a page prints the old placement (hòa), by its own words; old when it never says."""
    styles = [style for word in words if (style := old_placement(word)) is not None]
    return styles.count(False) <= styles.count(True)


def fold_tone_placement(text: str) -> str:
    """For search and the syllable model: text in its stored form with every tone mark in the
    old place ("Cộng hoà, thuỷ" → "Cộng hòa, thủy"), so either placement meets the other."""
    parts = _SPACES.split(text)
    parts[::2] = map(_folded_word, parts[::2])
    return "".join(parts)


@lru_cache(maxsize=65_536)
def _folded_word(token: str) -> str:
    head, core, tail = split_token(normalise_word(token))
    return head + place_tone(core) + tail if core else head


_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold_diacritics(text: str) -> str:
    """For search: every mark removed, đ → d, case kept ("Nguyễn Đức" → "Nguyen Duc").

    What a user types without Vietnamese input; the index holds it beside the exact text so
    either way of typing finds the page. Input is normalised first (NFC, stray marks, lookalike
    letters), so decomposed text folds like composed text.
    """
    return fold_normalised(normalise_text(text))


def fold_normalised(text: str) -> str:
    """`fold_diacritics` of text already in its stored form (`normalise_text`): the index
    folds every page it writes, so it does not pay for normalising twice."""
    bare = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return bare.replace("đ", "d").replace("Đ", "D")


def with_case_of(model: str, word: str) -> str:
    """`word` (lower case) cased letter by letter like `model` (same letters, other marks)."""
    if model.islower():
        return word
    if model.isupper():
        return word.upper()
    cased = [c.upper() if m.isupper() else c for m, c in zip(model, word, strict=False)]
    return "".join(cased) + word[len(cased) :]


_SKELETON = str.maketrans("đăâêôơư", "daaeoou")


def skeleton(word: str) -> str:
    """Lower case letters without any mark (quyết → quyet, đường → duong): the edit-free key."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(ch)
    )
    return bare.translate(_SKELETON)
