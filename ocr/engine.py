"""The only module that runs Tesseract: one call per page, words with boxes and confidences.

One Tesseract thread per process (OMP_THREAD_LIMIT=1): parallelism comes from our process pool,
and Tesseract's own threads in a pool of processes cost more than they give (design.md §6).
"""

from __future__ import annotations

import csv
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

from models.errors import RecognitionError, RecognitionTimeout
from models.recognition import Box, Word
from ocr import tess_api

# pytesseract inherits our environment for its subprocess; set once, before the first call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Page segmentation 3 (fully automatic) suits whole document pages; LSTM engine only (the
# page segmentation mode is each call's `psm`, 3 unless a check reads a band).


@dataclass(frozen=True)
class EngineOutput:
    """Everything one Tesseract pass over a page gives us: its words (from the TSV).

    No hOCR and no text-only PDF: both are written from the stored words (`ocr.hocr`,
    `ocr.pdf_text`), in our reading order and with the corrected text, so Tesseract's
    renderers would be work thrown away."""

    words: list[Word]


def load(languages: str) -> None:
    """Load Tesseract's model for `languages` in this process now (a pool's warm-up)."""
    _check_languages(languages)
    tess_api.load(languages)


def recognise(image: Image.Image, *, languages: str, timeout: float) -> EngineOutput:
    """Run Tesseract once on a prepared page: its words with boxes and confidences."""
    out = _run(image, languages=languages, timeout=timeout, renderers=("tsv",))
    return EngineOutput(words=_words(_read_tsv(out["tsv"].decode("utf-8"))))


def recognise_words(
    image: Image.Image, *, languages: str, timeout: float, psm: int = 3
) -> list[Word]:
    """Tesseract's words alone on a page or a band: the reading a check weighs, or a test's."""
    out = _run(image, languages=languages, timeout=timeout, renderers=("tsv",), psm=psm)
    return _words(_read_tsv(out["tsv"].decode("utf-8")))


def _run(
    image: Image.Image,
    *,
    languages: str,
    timeout: float,
    renderers: tuple[str, ...],
    psm: int = 3,
) -> dict[str, bytes]:
    """Tesseract on `image`, in this process when it can (`ocr.tess_api`: the model stays
    loaded), else as a process; what each renderer wrote, by its extension."""
    _check_languages(languages)
    with tempfile.TemporaryDirectory(prefix="sohoa-tess-") as folder:
        # BMP: written in milliseconds (a PNG of a 300 dpi page takes ~0.3 s). It states no
        # credible resolution, so Tesseract estimates one from the letters' size, as it does
        # for a file that states none: its layout analysis is tuned in those terms. Told the
        # paper's 200 dpi, it dropped a bold title standing close above the first line (an
        # outside page) that it reads at its own estimate, 266.
        source = Path(folder) / "page.bmp"
        image.save(source, "BMP", dpi=(1, 1))
        if tess_api.available():
            return tess_api.run(
                source,
                Path(folder) / "out",
                languages=languages,
                psm=psm,
                timeout=timeout,
                renderers=renderers,
            )
        base = str(Path(folder) / "out")
        config = f"--oem 1 --psm {psm} -c tessedit_create_tsv=1"
        try:
            pytesseract.pytesseract.run_tesseract(
                str(source),
                base,
                extension=" ".join(renderers),
                lang=languages,
                config=config,
                timeout=timeout,
            )
        except RuntimeError as exc:
            # pytesseract signals its own timeout with a bare RuntimeError
            if "timeout" in str(exc).lower():
                raise RecognitionTimeout(detail={"timeout_s": timeout}) from exc
            raise RecognitionError(detail=str(exc)[:300]) from exc
        except pytesseract.TesseractError as exc:
            raise RecognitionError(detail=str(exc)[:300]) from exc
        return {name: Path(f"{base}.{name}").read_bytes() for name in renderers}


def _read_tsv(tsv: str) -> dict[str, list[Any]]:
    # QUOTE_NONE: a recognised word may itself be a quote character.
    rows = list(csv.reader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return {"text": []}
    header, body = rows[0], rows[1:]
    columns: dict[str, list[Any]] = {name: [] for name in header}
    for row in body:
        row = row + [""] * (len(header) - len(row))
        for name, value in zip(header, row, strict=False):
            columns[name].append(value)
    return columns


def _words(data: dict[str, list[Any]]) -> list[Word]:
    words: list[Word] = []
    line_index: dict[tuple[int, int, int], int] = {}
    for i, text in enumerate(data["text"]):
        confidence = float(data["conf"][i])
        if int(data["level"][i]) != 5 or confidence < 0 or not str(text).strip():
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_index.setdefault(key, len(line_index))
        words.append(
            Word(
                text=str(text).strip(),
                confidence=min(max(confidence, 0.0), 100.0),
                box=Box(
                    left=int(data["left"][i]),
                    top=int(data["top"][i]),
                    width=int(data["width"][i]),
                    height=int(data["height"][i]),
                ),
                block=key[0],
                line=line,
            )
        )
    return words


def available_languages() -> frozenset[str]:
    """The traineddata Tesseract can load here (cached per process)."""
    return _languages()


@cache
def _languages() -> frozenset[str]:
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, subprocess.SubprocessError) as exc:
        raise RecognitionError(
            "Chưa cài đặt Tesseract OCR trên máy chủ", detail="tesseract not found on PATH"
        ) from exc


def _check_languages(languages: str) -> None:
    missing = set(languages.split("+")) - available_languages()
    if missing:
        raise RecognitionError(
            "Thiếu dữ liệu ngôn ngữ cho Tesseract",
            detail={"missing": sorted(missing), "hint": "apt-get install tesseract-ocr-vie"},
        )
