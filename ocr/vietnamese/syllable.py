"""Vietnamese syllables from the orthographic rules: onset + (medial) + nucleus + (coda) + one tone.

The validator is generated from the spelling rules (which onsets exist, which codas a nucleus
takes, where k/gh/ngh and c/g/ng go, that a stop coda -p/-t/-c/-ch takes only the sắc or nặng
tone), never from a word list; the correction step uses it to tell a misread syllable from a word.

Tone placement: "hòa" (old style, mark on the first vowel of a final oa/oe/uy) or "hoà" (new
style, mark on the main vowel). Both styles VALIDATE, and the stored text keeps the one its page
prints. Where words must compare equal (the search index, the syllable model) they are folded to
the old style (`normalise.fold_tone_placement`): what the state prints (the motto "CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM", Decree 30/2020 templates) and ~90 % of the legal corpus (hòa 419 vs hoà 45,
thủy 1523 vs thuỷ 55).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache


class Tone(StrEnum):
    LEVEL = "ngang"
    GRAVE = "huyền"
    ACUTE = "sắc"
    HOOK = "hỏi"
    TILDE = "ngã"
    DOT = "nặng"


TONE_MARKS: dict[str, Tone] = {
    "\u0300": Tone.GRAVE,
    "\u0301": Tone.ACUTE,
    "\u0309": Tone.HOOK,
    "\u0303": Tone.TILDE,
    "\u0323": Tone.DOT,
}
MARK_OF_TONE = {tone: mark for mark, tone in TONE_MARKS.items()}

VOWELS = frozenset("aăâeêioôơuưy")
LETTERS = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")
"""The Vietnamese alphabet (no f, j, w, z: they spell only loanwords and codes)."""

ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
STOPS = frozenset({"p", "t", "c", "ch"})
FRONT = frozenset("ieêy")
"""k, gh, ngh are written before these letters only; c, g, ng never are."""

# Which codas each nucleus spelling takes ("" = open syllable). "a" also spells the short ă of
# "ay"/"au" and the ɛ of "anh"/"ach"; "iê"/"uô"/"ươ" are written "ia"/"ua"/"ưa" when open.
CODAS: dict[str, tuple[str, ...]] = {
    "a": ("", "m", "n", "ng", "nh", "p", "t", "c", "ch", "i", "o", "u", "y"),
    "ă": ("m", "n", "ng", "p", "t", "c"),
    "â": ("m", "n", "ng", "p", "t", "c", "u", "y"),
    "e": ("", "m", "n", "ng", "p", "t", "c", "o"),
    "ê": ("", "m", "n", "nh", "p", "t", "ch", "u"),
    "i": ("", "m", "n", "nh", "p", "t", "ch", "u"),
    "y": ("",),
    "o": ("", "m", "n", "ng", "p", "t", "c", "i"),
    "ô": ("", "m", "n", "ng", "p", "t", "c", "i"),
    "ơ": ("", "m", "n", "p", "t", "i", "u"),
    "u": ("", "m", "n", "ng", "p", "t", "c", "i"),
    "ư": ("", "m", "n", "ng", "t", "c", "i", "u"),
    "iê": ("m", "n", "ng", "p", "t", "c", "u"),
    "yê": ("m", "n", "ng", "p", "t", "c", "u"),
    "ia": ("",),
    "uô": ("m", "n", "ng", "t", "c", "i"),
    "ua": ("",),
    "ươ": ("m", "n", "ng", "p", "t", "c", "i", "u"),
    "ưa": ("",),
}
# The labial glide /w/ is written "o" before a, ă, e and "u" before â, ê, y, ơ, yê, ya; after it
# y (not i) is the nucleus and takes a few more codas (huynh, huých, tuýt, khuỷu).
MEDIAL_CODAS: dict[tuple[str, str], tuple[str, ...]] = {
    ("o", "a"): CODAS["a"],
    ("o", "ă"): ("m", "n", "ng", "t", "c"),
    ("o", "e"): ("", "n", "t", "o"),
    ("u", "â"): ("n", "ng", "t", "y"),
    ("u", "ê"): ("", "nh", "ch", "n"),
    ("u", "y"): ("", "nh", "ch", "t", "p", "u", "n"),
    ("u", "ơ"): ("",),
    ("u", "yê"): ("n", "t"),
    ("u", "ya"): ("",),
}
# After "qu" the glide is in the onset; these nuclei may follow (quá, quân, quyết, quốc, quở).
AFTER_QU = frozenset({"a", "ă", "â", "e", "ê", "i", "y", "ơ", "ô", "yê", "ya"})
LABIALS = frozenset({"b", "m", "p", "ph", "v"})
"""Onsets that never take the /w/ glide written o (no "boan", "moa")."""


@dataclass(frozen=True)
class Syllable:
    """A parsed syllable, lower case, as written (after "gi" the shared i is in the rhyme)."""

    onset: str
    medial: str
    nucleus: str
    coda: str
    tone: Tone

    @property
    def bare(self) -> str:
        return self.onset + self.medial + self.nucleus + self.coda

    def tone_index(self, *, old_style: bool = True) -> int:
        """Where the tone mark goes in `bare`: old style hòa/khỏe/thúy, new style hoà/khoẻ/thuý."""
        if old_style and not self.coda and self.medial + self.nucleus in ("oa", "oe", "uy"):
            return len(self.onset)
        start = len(self.onset) + len(self.medial)
        # iê/yê/uô/ươ carry the mark on their second letter; ia/ua/ưa/ya on the first
        offset = 1 if self.nucleus in ("iê", "yê", "uô", "ươ") else 0
        return start + offset

    def spell(self, *, old_style: bool = True) -> str:
        """The syllable in lower case NFC with its tone mark in the canonical place."""
        bare = self.bare
        if self.tone is Tone.LEVEL:
            return bare
        i = self.tone_index(old_style=old_style)
        marked = unicodedata.normalize("NFC", bare[i] + MARK_OF_TONE[self.tone])
        return bare[:i] + marked + bare[i + 1 :]


def split_tone(text: str) -> tuple[str, list[tuple[int, Tone]]]:
    """Text without tone marks (vowel marks ă â ê ô ơ ư kept) and each mark's letter index."""
    letters: list[str] = []
    tones: list[tuple[int, Tone]] = []
    for ch in unicodedata.normalize("NFD", text):
        tone = TONE_MARKS.get(ch)
        if tone is not None:
            tones.append((len(letters) - 1, tone))
        elif unicodedata.combining(ch) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        else:
            letters.append(ch)
    return "".join(letters), tones


@lru_cache(maxsize=65_536)
def parse(word: str) -> Syllable | None:
    """The syllable `word` spells (any case, either tone placement), or None if it spells none."""
    bare, tones = split_tone(word.lower())
    if len(tones) > 1 or not bare or not set(bare) <= LETTERS:
        return None
    tone = tones[0][1] if tones else Tone.LEVEL
    for syllable in _parses(bare, tone):
        if not tones or tones[0][0] in (
            syllable.tone_index(old_style=True),
            syllable.tone_index(old_style=False),
        ):
            return syllable
    return None


def is_valid(word: str) -> bool:
    return parse(word) is not None


def _parses(bare: str, tone: Tone) -> list[Syllable]:
    found: list[Syllable] = []
    for onset in ONSETS:
        if not bare.startswith(onset):
            continue
        rest = bare[len(onset) :]
        for medial, nucleus, coda in _rhymes(onset, rest):
            syllable = Syllable(onset, medial, nucleus, coda, tone)
            if _onset_fits(syllable) and not (coda in STOPS and tone not in (Tone.ACUTE, Tone.DOT)):
                found.append(syllable)
    return found


def _onset_fits(s: Syllable) -> bool:
    first = (s.medial or s.nucleus)[0]
    if s.onset in ("k", "gh", "ngh"):
        return first in FRONT and not s.medial
    if s.onset == "g" and first == "i":
        # "gi" + a rhyme in i shares its i: gì, gìn, giếng; "gia" is gi + a, not g + ia
        return not s.medial and s.nucleus != "ia"
    if s.onset in ("c", "g", "ng") and first in FRONT:
        return False
    if s.onset == "qu":
        return not s.medial and s.nucleus in AFTER_QU
    if s.medial == "o" and s.onset in LABIALS:
        return False  # the u-glide after a labial is in loans only, but common ones: xe buýt
    if s.nucleus == "yê" and s.onset and not s.medial:
        return False  # "yê" opens a syllable (yên) or follows the glide (uyên); else "iê"
    if s.nucleus == "iê" and not s.onset:
        return False
    return not (s.nucleus == "ya" and not s.medial)


def _rhymes(onset: str, rest: str) -> list[tuple[str, str, str]]:
    rhymes = _rhyme_table().get(rest, [])
    if onset == "qu":
        # the glide is spelled by the onset's u: quynh, quýt, quân share the rhymes of huynh...
        glided = _rhyme_table().get("u" + rest, [])
        rhymes = rhymes + [("", n, c) for m, n, c in glided if m == "u"]
    return rhymes


@cache
def _rhyme_table() -> dict[str, list[tuple[str, str, str]]]:
    """Every written rhyme, from the nucleus/coda and glide tables above."""
    table: dict[str, list[tuple[str, str, str]]] = {}
    for nucleus, codas in CODAS.items():
        for coda in codas:
            table.setdefault(nucleus + coda, []).append(("", nucleus, coda))
    for (medial, nucleus), codas in MEDIAL_CODAS.items():
        for coda in codas:
            table.setdefault(medial + nucleus + coda, []).append((medial, nucleus, coda))
    return table
