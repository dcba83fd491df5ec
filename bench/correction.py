"""Benchmark of the Vietnamese correction step: CER raw vs corrected per condition, and its cost.

    nice .venv/bin/python -m bench.correction --pages 3 --seed 11 [--markdown]

Pages are rendered from synth/corpus_sample.txt (held out of the syllable model), degraded per
condition, recognised by real Tesseract through ocr.pipeline.recognise_document, then corrected.
CER is measured against the ground truth in stored form (normalise_text: NFC, marks in order, the
tone placement as printed), the form both raw and corrected text are compared in. "Marks" is the part of
the CER that vanishes when every mark is stripped from both sides (diacritic-only errors).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytesseract
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from models.recognition import PageResult, Word  # noqa: E402
from ocr.options import OcrOptions  # noqa: E402
from ocr.pipeline import recognise_document  # noqa: E402
from ocr.text import page_text  # noqa: E402
from ocr.vietnamese.choices import TESSERACT_CONFIG, HocrWord, parse_hocr  # noqa: E402
from ocr.vietnamese.correct import CorrectionOptions, correct_words  # noqa: E402
from ocr.vietnamese.model import default_model  # noqa: E402
from ocr.vietnamese.normalise import normalise_text  # noqa: E402
from synth.corpus import pick  # noqa: E402
from synth.metrics import normalise  # noqa: E402
from synth.render import render_page  # noqa: E402


def _scaled(dpi: int) -> Callable[[Image.Image], Image.Image]:
    def degrade(image: Image.Image) -> Image.Image:
        size = (round(image.width * dpi / 300), round(image.height * dpi / 300))
        return image.resize(size, Image.Resampling.LANCZOS)

    return degrade


def _blurred(image: Image.Image) -> Image.Image:
    return _scaled(100)(image.filter(ImageFilter.GaussianBlur(radius=5)))


def _jpeg(image: Image.Image) -> Image.Image:
    buffer = io.BytesIO()
    _scaled(90)(image).convert("L").save(buffer, "JPEG", quality=8)
    return Image.open(io.BytesIO(buffer.getvalue()))


# name: (body font size in points, what happens to the 300 dpi rendering)
CONDITIONS: dict[str, tuple[float, Callable[[Image.Image], Image.Image]]] = {
    "300 dpi clean": (13, lambda image: image),
    "150 dpi": (13, _scaled(150)),
    "100 dpi": (13, _scaled(100)),
    "blurred (σ 5 px at 300 dpi, then 100 dpi)": (13, _blurred),
    "JPEG quality 8 at 90 dpi": (13, _jpeg),
    "9 pt print at 100 dpi": (9, _scaled(100)),
}


SCRIPT_MODEL = "Vietnamese"
"""Debian's tesseract-ocr-script-viet installs Vietnamese.traineddata beside vie."""


@dataclass
class Row:
    condition: str
    chars: int = 0
    raw_errors: int = 0
    raw_mark_errors: int = 0
    fixed_errors: int = 0
    fixed_mark_errors: int = 0
    ocr_s: float = 0.0
    correct_s: float = 0.0
    pages: int = 0


def strip_marks(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Edit distance, and the part of it that strip_marks removes (diacritic-only errors)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    total = Levenshtein.distance(ref, hyp)
    return total, total - Levenshtein.distance(strip_marks(ref), strip_marks(hyp))


@dataclass
class Recognised:
    condition: str
    truth: str
    result: PageResult
    ocr_s: float
    hocr: list[HocrWord]
    """The same page read again through hOCR with the LSTM's per-character choices."""
    hocr_s: float
    script: list[Word]
    """The same page read by Tesseract's Vietnamese script model instead of vie."""
    script_s: float


def recognise(pages: int, seed: int) -> list[Recognised]:
    """Render `pages` pages, degrade each per condition and run real Tesseract on it."""
    out: list[Recognised] = []
    for n in range(pages):
        for name, (font_pt, degrade) in CONDITIONS.items():
            page = render_page(pick(8, seed=seed + n), title="QUYẾT ĐỊNH", font_pt=font_pt)
            truth = normalise_text(page.text)
            buffer = io.BytesIO()
            degrade(page.image).save(buffer, "PNG")
            start = time.perf_counter()
            # the raw reading: the pipeline corrects by default, and this scores the correction
            raw = OcrOptions(correct_marks=False)
            (result,) = recognise_document(buffer.getvalue(), raw).pages
            ocr_s = time.perf_counter() - start
            start = time.perf_counter()
            hocr = read_hocr(buffer.getvalue())
            hocr_s = time.perf_counter() - start
            start = time.perf_counter()
            script = [w.word() for w in read_hocr(buffer.getvalue(), lang=SCRIPT_MODEL, config="")]
            script_s = time.perf_counter() - start
            out.append(Recognised(name, truth, result, ocr_s, hocr, hocr_s, script, script_s))
    return out


def read_hocr(png: bytes, *, lang: str = "vie", config: str = TESSERACT_CONFIG) -> list[HocrWord]:
    """One Tesseract pass through hOCR, by default with lstm_choice_mode=2 as the engine would run
    it for choices (timed whole, decoding included, like recognise_document; greyscale as
    prepare_page does). Also reads the script model, whose capitalised name the engine's
    language check (pytesseract.get_languages) does not list."""
    image = Image.open(io.BytesIO(png)).convert("L")
    hocr = pytesseract.image_to_pdf_or_hocr(
        image, lang=lang, config=f"--oem 1 --psm 3 {config}", extension="hocr"
    )
    return parse_hocr(hocr.decode("utf-8"))


@dataclass
class ChoiceRow:
    condition: str
    chars: int = 0
    raw: int = 0
    corrected: int = 0
    with_choices: int = 0
    ocr_s: float = 0.0
    hocr_s: float = 0.0


def score_choices(pages: list[Recognised], options: CorrectionOptions) -> list[ChoiceRow]:
    """On the hOCR reading: raw, corrected without and with Tesseract's per-character choices."""
    rows = {name: ChoiceRow(name) for name in CONDITIONS}
    for page in pages:
        row = rows[page.condition]
        words = [w.word() for w in page.hocr]
        plain = correct_words(words, options=options)
        chosen = correct_words(
            words, options=options, alternatives=[w.alternatives() for w in page.hocr]
        )
        row.chars += len(normalise(page.truth))
        row.raw += errors(page.truth, page_text(words))[0]
        row.corrected += errors(page.truth, page_text(plain))[0]
        row.with_choices += errors(page.truth, page_text(chosen))[0]
        row.ocr_s += page.ocr_s
        row.hocr_s += page.hocr_s
    return list(rows.values())


def script_table(pages: list[Recognised], options: CorrectionOptions) -> str:
    """vie against the Vietnamese script model (tesseract-ocr-script-viet), raw and corrected."""
    lines = [
        "| condition | vie raw | vie corrected | Vietnamese raw | Vietnamese corrected "
        "| time Vietnamese / vie |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in CONDITIONS:
        mine = [p for p in pages if p.condition == name]
        chars = max(sum(len(normalise(p.truth)) for p in mine), 1)
        texts = {
            "vie": [(p.truth, p.result.words) for p in mine],
            "script": [(p.truth, p.script) for p in mine],
        }
        cells = []
        for key in ("vie", "script"):
            raw = sum(errors(t, page_text(w))[0] for t, w in texts[key])
            fixed = sum(
                errors(t, page_text(correct_words(w, options=options)))[0] for t, w in texts[key]
            )
            cells += [f"{100 * raw / chars:.2f} %", f"{100 * fixed / chars:.2f} %"]
        ratio = sum(p.script_s for p in mine) / max(sum(p.ocr_s for p in mine), 1e-9)
        lines.append(f"| {name} | {' | '.join(cells)} | {ratio:.2f} |")
    return "\n".join(lines)


def choice_table(rows: list[ChoiceRow]) -> str:
    lines = [
        "| condition | CER raw (hOCR pass) | corrected | corrected with LSTM choices "
        "| time of the hOCR + choices pass / plain pass |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        pct = [f"{100 * n / max(r.chars, 1):.2f} %" for n in (r.raw, r.corrected, r.with_choices)]
        lines.append(f"| {r.condition} | {' | '.join(pct)} | {r.hocr_s / max(r.ocr_s, 1e-9):.2f} |")
    return "\n".join(lines)


def score(pages: list[Recognised], options: CorrectionOptions) -> list[Row]:
    model = default_model()
    rows = {name: Row(name) for name in CONDITIONS}
    for page in pages:
        row = rows[page.condition]
        start = time.perf_counter()
        fixed = correct_words(page.result.words, model, options)
        row.correct_s += time.perf_counter() - start
        row.ocr_s += page.ocr_s
        row.pages += 1
        raw, raw_marks = errors(page.truth, page.result.text)
        after, after_marks = errors(page.truth, page_text(fixed))
        row.chars += len(normalise(page.truth))
        row.raw_errors += raw
        row.raw_mark_errors += raw_marks
        row.fixed_errors += after
        row.fixed_mark_errors += after_marks
    return list(rows.values())


def table(rows: list[Row]) -> str:
    lines = [
        "| condition | CER raw | CER corrected | marks raw | marks corrected "
        "| OCR s/page | correction ms/page | cost |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        pages = max(r.pages, 1)

        def pct(n: int, chars: int = r.chars) -> str:
            return f"{100 * n / max(chars, 1):.2f} %"

        lines.append(
            f"| {r.condition} | {pct(r.raw_errors)} | {pct(r.fixed_errors)} "
            f"| {pct(r.raw_mark_errors)} | {pct(r.fixed_mark_errors)} "
            f"| {r.ocr_s / pages:.2f} | {1000 * r.correct_s / pages:.1f} "
            f"| {100 * r.correct_s / max(r.ocr_s, 1e-9):.2f} % |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    start = time.perf_counter()
    default_model()
    load_ms = 1000 * (time.perf_counter() - start)
    pages = recognise(args.pages, args.seed)
    rows = score(pages, CorrectionOptions())
    print(table(rows))
    print()
    print(choice_table(score_choices(pages, CorrectionOptions())))
    print()
    print(script_table(pages, CorrectionOptions()))
    print(f"\n{args.pages} pages per condition; model load {load_ms:.0f} ms once per process.")
    print(f"median cost share {statistics.median(r.correct_s / r.ocr_s for r in rows):.2%}")


if __name__ == "__main__":
    main()
