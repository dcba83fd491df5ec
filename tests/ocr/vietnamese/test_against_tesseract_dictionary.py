"""An outside check of the rule-built validator: the word list inside Tesseract's own vie model."""

import subprocess
import unicodedata
from pathlib import Path

from ocr.vietnamese.normalise import normalise_word
from ocr.vietnamese.syllable import is_valid

TRAINEDDATA = Path("/usr/share/tesseract-ocr/5/tessdata/vie.traineddata")


def _tesseract_words(tmp_path: Path) -> list[str]:
    for part in ("lstm-unicharset", "lstm-word-dawg"):
        subprocess.run(
            ["combine_tessdata", "-e", str(TRAINEDDATA), str(tmp_path / f"vie.{part}")],
            check=True,
            capture_output=True,
        )
    subprocess.run(
        [
            "dawg2wordlist",
            str(tmp_path / "vie.lstm-unicharset"),
            str(tmp_path / "vie.lstm-word-dawg"),
            str(tmp_path / "words.txt"),
        ],
        check=True,
        capture_output=True,
    )
    return (tmp_path / "words.txt").read_text(encoding="utf-8").split()


def test_the_validator_accepts_tesseracts_own_vietnamese_words(tmp_path: Path) -> None:
    words = _tesseract_words(tmp_path)
    # lower-case words with Vietnamese marks: Vietnamese syllables (English and codes are unmarked)
    marked = [
        w
        for w in words
        if w.isalpha() and w.islower() and (unicodedata.normalize("NFD", w) != w or "đ" in w)
    ]
    assert len(marked) > 2000
    rejected = {w for w in marked if not is_valid(normalise_word(w))}
    assert len(rejected) <= 0.01 * len(marked), sorted(rejected)
    # what it rejects is not one syllable: a misspelling, a stop without its tone, a run-on
    assert {"nghành", "đit", "ôtô"} <= rejected
    assert "buýt" not in rejected
