"""Real Tesseract on a blurred Vietnamese page: correction removes mark errors and adds none."""

import unicodedata

from PIL import ImageFilter

from ocr.engine import recognise_words
from ocr.text import page_text
from ocr.vietnamese.correct import correct_words
from ocr.vietnamese.normalise import normalise_text
from synth.corpus import pick
from synth.metrics import cer
from synth.render import render_page


def _bare(text: str) -> str:
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return stripped.replace("đ", "d").replace("Đ", "D")


def test_correction_lowers_the_cer_of_a_blurred_page() -> None:
    # paragraphs of synth/corpus_sample.txt: held out of the syllable model
    page = render_page(pick(3, seed=5), title=None, motto=False)
    blurred = page.image.filter(ImageFilter.GaussianBlur(5))
    small = blurred.resize((blurred.width // 3, blurred.height // 3)).convert("L")
    image = small.crop((0, 0, small.width, small.height // 3))  # the text is at the top
    words = recognise_words(image, languages="vie", timeout=60)
    truth = normalise_text(page.text)
    raw, fixed = page_text(words), page_text(correct_words(words))
    assert cer(truth, raw) > 0.01  # the blur does make Tesseract misread marks
    assert cer(truth, fixed) < cer(truth, raw) * 0.6
    # what it fixed were marks: without them, raw and corrected text are the same letters
    assert _bare(raw) == _bare(fixed)
