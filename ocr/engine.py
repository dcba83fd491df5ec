"""The only module that runs Tesseract: one call per page, words with boxes and confidences.

One Tesseract thread per process (OMP_THREAD_LIMIT=1): parallelism comes from our process pool,
and Tesseract's own threads in a pool of processes cost more than they give (design.md §6).
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from typing import Any

import pytesseract
from PIL import Image

from models.errors import RecognitionError, RecognitionTimeout
from models.recognition import Box, Word

# pytesseract inherits our environment for its subprocess; set once, before the first call.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Page segmentation 3 (fully automatic) suits whole document pages; LSTM engine only.
_CONFIG = "--oem 1 --psm 3"


def recognise_words(image: Image.Image, *, languages: str, timeout: float) -> list[Word]:
    """Run Tesseract once on a page image; return its words in Tesseract's reading order."""
    _check_languages(languages)
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image,
            lang=languages,
            config=_CONFIG,
            output_type=pytesseract.Output.DICT,
            timeout=timeout,
        )
    except RuntimeError as exc:
        # pytesseract signals its own timeout with a bare RuntimeError
        if "timeout" in str(exc).lower():
            raise RecognitionTimeout(detail={"timeout_s": timeout}) from exc
        raise RecognitionError(detail=str(exc)[:300]) from exc
    except pytesseract.TesseractError as exc:
        raise RecognitionError(detail=str(exc)[:300]) from exc
    return _words(data)


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


def tesseract_version() -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError as exc:
        raise RecognitionError("Chưa cài đặt Tesseract OCR trên máy chủ") from exc
