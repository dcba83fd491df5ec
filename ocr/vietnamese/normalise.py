"""Vietnamese text in its one stored form: NFC, marks in order, Latin letters, one tone placement.

Tesseract emits decomposed marks in odd orders (tone before circumflex, which NFC cannot
compose), Latin-looking Cyrillic/Greek letters and "ð" for "đ"; all of it is fixed here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ocr.vietnamese.syllable import TONE_MARKS, parse

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
    head, core, tail = split_token(fix_marks(fix_lookalikes(token)))
    return head + place_tone(core) + tail if core else head


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
    """A valid syllable with its tone mark in the stored place (hoà → hòa); others unchanged."""
    syllable = parse(word)
    if syllable is None:
        return word
    return with_case_of(word, syllable.spell(old_style=old_style))


def fold_tone_placement(text: str) -> str:
    """For search: "hoà" and "hòa" (either placement) fold to the one stored form."""
    return normalise_text(text)


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
