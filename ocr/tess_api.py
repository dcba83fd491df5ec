"""Tesseract in this process, through its C++ API (tesserocr), its model loaded once.

Why: a `tesseract` process per page loads the language model every time. Measured on one
prepared 200 dpi page, the same reading took 0.41–0.65 s of CPU through the API against
0.60–0.86 s as a process: about 0.15–0.2 s a page, half of everything sohoa adds to Tesseract
(`bench/profile.py`). The reading is the same: tesserocr is built from source against the
machine's own libtesseract (`./dev` sets `PIP_NO_BINARY=tesserocr`; PyPI's wheel bundles
another Tesseract version, and "never worse than plain Tesseract" must compare one engine),
and the page is handed over as the same BMP file the process got, so Tesseract estimates the
resolution the same way. `tests/ocr/test_engine.py` checks the two give the same words.

One API per process (a pool forks: a child never uses its parent's), thread and language; the
page segmentation mode and the renderers are set for each page. Without tesserocr (a machine
where it could not be built) `ocr.engine` runs the `tesseract` process as before.

Tesseract keeps every text line it reads as a PNG for a moment (`ocr/native/pngstore.c` says
where): this process has libpng store those PNGs, not deflate them. Pixels go in and come back
the same, so the reading is the same (`tests/ocr/test_engine.py` compares it with the
`tesseract` process's, which compresses); measured on the recognition benchmark's 300 dpi pages
it took 15-20 % off Tesseract's time, 2-5 % on 200 dpi scans (docs/design_notes.md).
Where it was built it loads before tesserocr; `SOHOA_TESSERACT_PNG_STORE=0` turns it off.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import threading
import time
from pathlib import Path
from typing import Any

from models.errors import RecognitionError, RecognitionTimeout

# One Tesseract thread (ocr.engine says why); OpenMP reads this when the library loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _png_store() -> ctypes.CDLL | None:
    """`ocr/native/pngstore.c` in the global symbol scope, before Tesseract's libraries load
    (they bind libpng's functions as they load); None where it was not built or is turned off."""
    if os.environ.get("SOHOA_TESSERACT_PNG_STORE") == "0":
        return None
    spec = importlib.util.find_spec("ocr._pngstore")
    if spec is None or not spec.origin:
        return None
    try:
        library = ctypes.CDLL(spec.origin, mode=os.RTLD_GLOBAL)
    except OSError:
        return None
    library.sohoa_pngstore_count.restype = ctypes.c_ulong
    return library


_PNG_STORE = _png_store()

try:  # the engine falls back to the `tesseract` process without it
    import tesserocr
except ImportError:  # pragma: no cover - exercised only where tesserocr is missing
    tesserocr = None

FILE_RENDERERS = ("pdf", "hocr", "txt")
TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
_local = threading.local()


def pngs_stored() -> int | None:
    """How many PNGs this process had libpng store rather than deflate (Tesseract's text lines);
    None when `ocr/native/pngstore.c` is not loaded."""
    return None if _PNG_STORE is None else int(_PNG_STORE.sohoa_pngstore_count())


def available() -> bool:
    """Whether pages can be read in this process (tesserocr is installed)."""
    return tesserocr is not None and os.environ.get("SOHOA_TESSERACT_PROCESS") != "1"


def _api(languages: str) -> Any:
    apis: dict[tuple[int, str], Any] = _local.__dict__.setdefault("apis", {})
    key = (os.getpid(), languages)
    api = apis.get(key)
    if api is None:
        for stale in [k for k in apis if k[0] != key[0]]:
            del apis[stale]  # a forked child's copy of its parent's
        try:
            api = tesserocr.PyTessBaseAPI(lang=languages, oem=tesserocr.OEM.LSTM_ONLY)
        except RuntimeError as exc:
            raise RecognitionError(detail=f"tesseract init: {exc}"[:300]) from exc
        apis[key] = api
    return api


def load(languages: str) -> None:
    """Load the model now (about 0.15 s), not on the first page."""
    if available():
        _api(languages)


def loaded(languages: str) -> bool:
    """Whether this process and thread hold a loaded model for `languages`."""
    apis: dict[tuple[int, str], Any] = _local.__dict__.get("apis", {})
    return (os.getpid(), languages) in apis


def run(
    source: Path,
    base: Path,
    *,
    languages: str,
    psm: int,
    timeout: float,
    renderers: tuple[str, ...],
) -> dict[str, bytes]:
    """Read the page image file `source`; what each renderer gives, by its extension.

    The file, not an image object: Tesseract reads its stated resolution (none credible) as the
    process does. TSV has no renderer in the API: it is asked of the page just read, and given
    the header the process writes. A TSV alone (a check's band) needs no renderer at all.
    """
    api = _api(languages)
    api.SetPageSegMode(psm)
    files = [name for name in renderers if name != "tsv"]
    for name in FILE_RENDERERS:
        api.SetVariable(f"tessedit_create_{name}", "1" if name in files else "0")
    api.SetVariable("textonly_pdf", "1" if "pdf" in files else "0")
    started = time.monotonic()
    milliseconds = max(1, round(timeout * 1000))
    if files:
        ok = api.ProcessPages(str(base), str(source), timeout=milliseconds)
    else:
        api.SetImageFile(str(source))
        ok = api.Recognize(timeout=milliseconds)
    if not ok:
        if time.monotonic() - started >= timeout:
            raise RecognitionTimeout(detail={"timeout_s": timeout})
        raise RecognitionError(detail="tesseract could not read the page")
    out = {}
    try:
        out = {name: Path(f"{base}.{name}").read_bytes() for name in files}
    except OSError as exc:
        raise RecognitionError(detail=f"tesseract wrote no {Path(str(exc.filename)).name}") from exc
    if "tsv" in renderers:
        out["tsv"] = (TSV_HEADER + api.GetTSVText(0)).encode("utf-8")
    return out
