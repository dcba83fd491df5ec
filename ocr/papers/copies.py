"""A name printed twice on a paper: its marks taken, word by word, from the better-read copy.

Forms print the applicant's name after its label in capitals and again under the signature in
upper and lower case ("NGÔ THANH TRANG" … "Ngô Thanh Trang"). On a 100 dpi fax a mark on a
capital is two or three pixels (`NGÔ` read `NGỎ` at 29) while the same mark on a small letter
has room (`Ngô` at 92). Both copies are the paper's own evidence, so choosing between them is no
guess from outside: a word changes only to its other reading on the same paper, spelled with the
same letters, that Tesseract was surer of and that is a valid Vietnamese syllable. No dictionary
or list of names is involved. Confidence decides, not the case: small letters are misread too
("Lỷ" at 88 under a right "LÝ" at 93), and a capital's wrong mark may be read at 96 ("HỎNG" over
"Hồng" at 92), which then stays as read."""

from __future__ import annotations

from collections.abc import Sequence

from models.extraction import ExtractedField, FieldName
from models.recognition import Word
from ocr.papers.fields import ILLEGIBLE
from ocr.papers.lines import Line, fold
from ocr.vietnamese import is_valid

_TRIM = " .,:;\"'“”()"


def _copy(field: ExtractedField, lines: Sequence[Line]) -> tuple[Word, ...] | None:
    """The words of another line of the same page that is the name alone, in other marks."""
    wanted = fold(field.value)
    for line in lines:
        if line.page != field.page or line.folded.strip(_TRIM) != wanted:
            continue
        if any(_inside(w, field) for w in line.words):
            continue  # the field's own line (a name read from the line after its label)
        if line.text.strip(_TRIM) == field.value:
            return None  # the same spelling twice: nothing to choose
        words = tuple(w for w in line.words if w.text.strip(_TRIM))
        if len(words) == len(field.value.split()):
            return words
    return None


def _field_words(field: ExtractedField, lines: Sequence[Line]) -> list[Word] | None:
    """The words the field was read from (its evidence), on its line."""
    names = field.evidence.split()
    for line in lines:
        if line.page != field.page or field.box is None:
            continue
        words = [w for w in line.words if _inside(w, field)]
        if [w.text for w in words] == names:
            return words
    return None


def _inside(word: Word, field: ExtractedField) -> bool:
    box = field.box
    return box is not None and (
        box.left <= word.box.left
        and word.box.left + word.box.width <= box.left + box.width
        and box.top <= word.box.top
        and word.box.top + word.box.height <= box.top + box.height
    )


def _cased(word: str, like: str) -> str:
    """`word` in the case of `like` (the copy under a signature is in other case)."""
    if like.isupper():
        return word.upper()
    return word.lower() if like.islower() else word[:1].upper() + word[1:].lower()


def with_marks_of_copy(field: ExtractedField, lines: Sequence[Line]) -> ExtractedField:
    """The name `field` with each word's marks from its copy elsewhere on the page where
    Tesseract read the copy's word with more confidence (a valid syllable, same letters);
    unchanged when the paper has no such copy."""
    if field.name is not FieldName.FULL_NAME:
        return field
    copy = _copy(field, lines)
    own = _field_words(field, lines)
    values = field.value.split()
    if copy is None or own is None or len(own) != len(values):
        return field
    chosen: list[str] = []
    confidences: list[float] = []
    for value, mine, theirs in zip(values, own, copy, strict=True):
        other = _cased(theirs.text.strip(_TRIM), value)
        if (
            other != value
            and fold(other) == fold(value)
            and is_valid(other.lower())
            and theirs.confidence > mine.confidence
        ):
            chosen.append(other)
            confidences.append(theirs.confidence)
        else:
            chosen.append(value)
            confidences.append(mine.confidence)
    value = " ".join(chosen)
    if value == field.value:
        return field
    confidence = sum(confidences) / (100 * len(confidences))
    return field.model_copy(
        update={
            "value": value,
            "confidence": round(min(1.0, confidence), 3),
            "evidence": f"{field.evidence} / {' '.join(w.text for w in copy)}",
            "needs_review": confidence < ILLEGIBLE,
        }
    )
