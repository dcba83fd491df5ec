"""Vietnamese-aware text: the stored form of syllables and the correction of misread marks.

Pure functions over `Word` values and strings; the shipped syllable model is read once.
"""

from ocr.vietnamese.choices import HocrWord, parse_hocr
from ocr.vietnamese.correct import CorrectionOptions, correct_words
from ocr.vietnamese.model import SyllableModel, default_model
from ocr.vietnamese.normalise import fold_tone_placement, normalise_text
from ocr.vietnamese.syllable import is_valid, parse

__all__ = [
    "CorrectionOptions",
    "HocrWord",
    "SyllableModel",
    "correct_words",
    "default_model",
    "fold_tone_placement",
    "is_valid",
    "normalise_text",
    "parse",
    "parse_hocr",
]
