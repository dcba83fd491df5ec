"""How a cProfile of sohoa's work on a page is cut into the stages of `bench.profile`.

A stage is named by the functions whose time it is (`module:name`), so that nothing in `ocr/`
has to be changed, or even know, to be timed; a renamed function shows as its stage not having
run (the benchmark's test names the stages a clean page must run) and its time as "other".
"""

from __future__ import annotations

import pstats
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

OTHER = "other"
Key = tuple[str, int, str]
"""cProfile's name of a function: file, first line, name."""


@dataclass(frozen=True)
class Stage:
    """A row of the table: the functions whose time it is, as `module:name`.

    With `caller`, only the calls from that function count, and their time is taken out of the
    stage `within` (Tesseract's image encoding and process wait inside `ocr.engine`'s call).
    Otherwise a call counts only where no other stage's function is running: time spent in a
    stage's function called from another stage's is the outer stage's.
    """

    name: str
    functions: tuple[str, ...]
    caller: str | None = None
    within: str | None = None


TESSERACT = "Tesseract: rest (files, TSV)"
STAGES: tuple[Stage, ...] = tuple(
    Stage(name, tuple(functions.split()), *rest)
    for name, functions, *rest in (
        ("decode", "ocr.load:iter_pages ocr.load:page_at ocr.load:page_count"),
        ("quality verdict", "ocr.quality:assess_gray ocr.photometry:is_bilevel"),
        ("page quad (find, warp)", "ocr.geometry:find_page_quad ocr.geometry:warp_quad"),
        ("colour-ink test", "ocr.photometry:has_colour_ink"),
        ("colour-ink removal", "ocr.photometry:drop_colour_ink ocr.inks:drop_mark_ink"),
        (
            "pose (x-height, guess, apply)",
            "ocr.photometry:x_height ocr.orientation:guess_pose ocr.geometry:apply_pose "
            "ocr.geometry:rotate_right_angle",
        ),
        ("photometry: flatten", "ocr.photometry:flatten"),
        ("photometry: stretch", "ocr.photometry:stretch"),
        ("photometry: streaks", "ocr.photometry:remove_streaks"),
        ("photometry: denoise", "ocr.photometry:noise_level ocr.photometry:denoise"),
        ("photometry: resample", "ocr.photometry:resample_factor ocr.photometry:resample"),
        ("photometry: rule erasing", "ocr.photometry:erase_rules"),
        (
            "Tesseract: recognition",
            "pytesseract.pytesseract:run_tesseract ocr.tess_api:run",
            "ocr.engine:_run",
            TESSERACT,
        ),
        ("Tesseract: page image encode (BMP)", "PIL.Image:save", "ocr.engine:_run", TESSERACT),
        (TESSERACT, "ocr.engine:recognise ocr.engine:recognise_words"),
        ("reading checks (turn band, plausibility)", "ocr.checks:plausibility"),
        (
            "layout and regions",
            "ocr.regions:find_regions ocr.regions:without_codes_and_photos ocr.tables:find_tables "
            "ocr.table_layout:arrange_with_tables ocr.table_layout:with_text",
        ),
        ("correction", "ocr.vietnamese.correct:correct_words"),
        ("lines, blocks, text", "ocr.text:lines_of ocr.text:blocks_of ocr.text:page_text"),
        ("hOCR", "ocr.hocr:page_hocr"),
        ("PDF/A (page, document, validation)", "ocr.pdf_page:page ocr.pdfa:keep"),
        ("paper reading (kind, fields)", "services.reading:read ocr.papers.read:read_paper"),
        ("writes: results as JSON", "pydantic.main:model_dump_json"),
        ("writes: object store", "storage.local:put"),
        ("writes: catalog", "storage.catalog.papers:record_recognition"),
        ("writes: search index", "services.indexing:index_document"),
        ("near-duplicate check", "services.reuse:detect_near_duplicate"),
    )
)
"""The brief's stages in the pipeline's order, then what a worker does with the result."""
NAMES = (*(s.name for s in STAGES), OTHER)


def module_of() -> Callable[[str], str]:
    """File name → module name, from what is imported (cProfile names functions by file)."""
    files = {
        getattr(m, "__file__", None): name for name, m in list(sys.modules.items()) if m is not None
    }
    return lambda filename: files.get(filename) or filename


def labels(stats: pstats.Stats) -> dict[Key, str]:
    """Each profiled function's `module:name`."""
    module = module_of()
    return {key: f"{module(key[0])}:{key[2]}" for key in stats.stats}  # type: ignore[attr-defined]


def stages_run(stats: pstats.Stats) -> frozenset[str]:
    """The stages any of whose functions the profile saw called."""
    called = set(labels(stats).values())
    return frozenset(s.name for s in STAGES if called & set(s.functions))


def attribute(stats: pstats.Stats, total: float) -> dict[str, float]:
    """Seconds per stage (and "other", so that they add up to `total`) of one profile.

    A call of a stage's function counts with the share of its caller's time spent outside every
    stage: that share is 1 at the profile's root, 0 inside a stage's function, and flows down
    each call in proportion to its time (a helper called from inside and outside stages).
    """
    raw: dict[Key, tuple[int, int, float, float, dict[Key, tuple[int, int, float, float]]]]
    raw = stats.stats  # type: ignore[attr-defined]
    label = labels(stats)
    owner = {f: s for s in STAGES if s.caller is None for f in s.functions}
    marked = {key for key, name in label.items() if name in owner}
    outside = dict.fromkeys(raw, 1.0)
    for _ in range(200):  # to a fixpoint; the call graph is shallow, cycles are recursion
        moved = 0.0
        for key, (*_, callers) in raw.items():
            weights = [(c, e[3]) for c, e in callers.items() if c != key and c in raw]
            spent = sum(w for _, w in weights)
            if not spent:
                continue
            share = sum(w * (0.0 if c in marked else outside[c]) for c, w in weights) / spent
            moved = max(moved, abs(share - outside[key]))
            outside[key] = share
        if moved < 1e-9:
            break
    seconds: dict[str, float] = defaultdict(float)
    for key, (*_, callers) in raw.items():
        name = label[key]
        if name in owner:
            seconds[owner[name].name] += sum(
                e[3] * (0.0 if c in marked else outside[c])
                for c, e in callers.items()
                if c != key and c in raw
            )
    for stage in STAGES:
        if stage.caller is None:
            continue
        for key, (*_, callers) in raw.items():
            if label[key] in stage.functions:
                spent = sum(e[3] for c, e in callers.items() if label.get(c) == stage.caller)
                seconds[stage.name] += spent
                if stage.within:
                    seconds[stage.within] -= spent
    result = {name: max(seconds.get(name, 0.0), 0.0) for name in NAMES if name != OTHER}
    result[OTHER] = max(total - sum(result.values()), 0.0)
    return result
