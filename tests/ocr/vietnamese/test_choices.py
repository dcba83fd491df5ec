"""Tesseract's per-character LSTM choices, read from real hOCR, and what they do to correction."""

import pytesseract
from PIL import Image, ImageDraw, ImageFont

from ocr.engine import recognise_words
from ocr.vietnamese.choices import TESSERACT_CONFIG, parse_hocr
from ocr.vietnamese.correct import weighed_edits
from synth.render import SERIF

# The shape Tesseract 5 writes with lstm_choice_mode=2 (abridged from a real page).
HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
<div class='ocr_page' id='page_1' title='bbox 0 0 827 194'>
 <div class='ocr_carea' id='block_1_1' title="bbox 118 79 740 153">
  <p class='ocr_par' id='par_1_1' lang='vie' title="bbox 118 79 740 153">
   <span class='ocr_line' id='line_1_1' title="bbox 118 79 734 101; baseline 0 -4">
    <span class='ocrx_word' id='word_1_1' title='bbox 114 75 137 106; x_wconf 87'>b)
     <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
      <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 92.3'>b</span>
      <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 0'>h</span></span>
     <span class='ocrx_cinfo' id='lstm_choices_1_1_2'>
      <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 94.7'>)</span>
      <span class='ocrx_cinfo' id='choice_1_1_4' title='x_confs 61.8'>ì</span></span>
    </span>
    <span class='ocrx_word' id='word_1_2' title='bbox 145 75 187 106; x_wconf 93'>&#39;điểm
     <span class='ocrx_cinfo' id='lstm_choices_1_2_1'>
      <span class='ocrx_cinfo' id='choice_1_2_5' title='x_confs 80.1'>ể</span>
      <span class='ocrx_cinfo' id='choice_1_2_6' title='x_confs 12.0'>ế</span></span>
    </span>
   </span>
   <span class='ocr_line' id='line_1_2' title="bbox 118 120 734 153; baseline 0 -4">
    <span class='ocrx_word' id='word_1_3' title='bbox 120 120 160 150; x_wconf 96'>sông</span>
   </span>
  </p>
 </div>
</div></body></html>"""


def test_words_boxes_lines_and_choices_are_read() -> None:
    first, second, third = parse_hocr(HOCR)
    assert (first.text, first.confidence, first.line, first.block) == ("b)", 87.0, 0, 1)
    assert (first.box.left, first.box.top, first.box.width, first.box.height) == (114, 75, 23, 31)
    assert [[c.text for c in step] for step in first.steps] == [["b", "h"], [")", "ì"]]
    assert first.alternatives(floor=1.0) == frozenset({"b", ")", "ì"})
    assert second.text == "'điểm" and second.alternatives() == frozenset({"ể", "ế"})
    assert (third.text, third.line, third.steps) == ("sông", 1, [])


def test_a_mark_change_to_a_weighed_letter_is_counted() -> None:
    assert weighed_edits("điếm", "điểm", frozenset({"ể", "ế"})) == 1
    assert weighed_edits("điếm", "điểm", frozenset({"ế"})) == 0
    assert weighed_edits("điếm", "điểm", frozenset()) == 0


def test_real_tesseract_hocr_with_choices_matches_its_plain_words() -> None:
    image = Image.new("L", (900, 80), 255)
    face = ImageFont.truetype(str(SERIF), 36)
    ImageDraw.Draw(image).text((20, 18), "Quyết định về việc thành lập", font=face, fill=0)
    hocr = pytesseract.image_to_pdf_or_hocr(
        image, lang="vie", config=f"--oem 1 --psm 3 {TESSERACT_CONFIG}", extension="hocr"
    )
    words = parse_hocr(hocr.decode("utf-8"))
    plain = recognise_words(image, languages="vie", timeout=30)
    assert [w.text for w in words] == [w.text for w in plain]
    assert all(w.steps for w in words)
    # the letters Tesseract chose are among the ones it weighed
    assert {"q", "ế", "đ", "ị"} <= frozenset().union(*(w.alternatives() for w in words))
