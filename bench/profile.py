"""Where one page's time goes: sohoa's pipeline stage by stage, beside plain Tesseract.

    python -m bench.profile [--set DIR ...] [--pages N] [--out docs/benchmarks.md] [--no-write]

Each page is read three ways in this one process, the order turning from page to page: plain
`tesseract FILE stdout -l vie` (one thread), sohoa's `recognise_document` as the worker runs it
(the wall time that counts), and sohoa again under cProfile followed by what a worker does with
the result (`services.processing.record_result`: paper reading, then the writes into a local
object store and a SQLite catalog in a temporary folder). The profile is cut into stages by the
functions each stage is (`STAGES`), so nothing in `ocr/` is changed to be timed; what no stage
claims is "other", and the stages add up to the profiled page.

Pages: a few of each of `../shared/data/nomvn-dev` and `../shared/data/real-scans-nogt` (a set
that is not there is skipped with a message) and generated ones (`synth.render` +
`synth.degrade`), so the benchmark runs anywhere.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shlex
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.outside import DEFAULT_SETS, pages_of
from bench.recognition import ROOT, machine, plain_tesseract, revision
from bench.report import write_section
from models.catalog import Claimed
from models.recognition import DocumentResult
from ocr.engine import available_languages
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document, warm_up
from synth.corpus import pick
from synth.degrade import degrade
from synth.render import render_page

OTHER = "other"
GENERATED = "generated"
CONDITIONS = ("clean_300", "phone_photo", "seal_signature", "faded_streaks", "skewed_scan")
"""Generated pages cycle through these: a flat scan, a photo (page quad), coloured ink, a faded
copy (photometry), a skewed scan (pose)."""

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


STAGES: tuple[Stage, ...] = (
    Stage("decode", ("ocr.load:iter_pages", "ocr.load:page_at", "ocr.load:page_count")),
    Stage("quality verdict", ("ocr.quality:assess_gray", "ocr.photometry:is_bilevel")),
    Stage("page quad (find, warp)", ("ocr.geometry:find_page_quad", "ocr.geometry:warp_quad")),
    Stage("colour-ink test", ("ocr.photometry:has_colour_ink",)),
    Stage("colour-ink removal", ("ocr.photometry:drop_colour_ink", "ocr.inks:drop_mark_ink")),
    Stage(
        "pose (x-height, guess, apply)",
        (
            "ocr.photometry:x_height",
            "ocr.orientation:guess_pose",
            "ocr.geometry:apply_pose",
            "ocr.geometry:rotate_right_angle",
        ),
    ),
    Stage("photometry: flatten", ("ocr.photometry:flatten",)),
    Stage("photometry: stretch", ("ocr.photometry:stretch",)),
    Stage("photometry: streaks", ("ocr.photometry:remove_streaks",)),
    Stage("photometry: denoise", ("ocr.photometry:noise_level", "ocr.photometry:denoise")),
    Stage("photometry: resample", ("ocr.photometry:resample_factor", "ocr.photometry:resample")),
    Stage("photometry: rule erasing", ("ocr.photometry:erase_rules",)),
    Stage(
        "Tesseract: process (run, wait)",
        ("pytesseract.pytesseract:run_tesseract",),
        caller="ocr.engine:_run",
        within="Tesseract: rest (files, TSV)",
    ),
    Stage(
        "Tesseract: page image encode (BMP)",
        ("PIL.Image:save",),
        caller="ocr.engine:_run",
        within="Tesseract: rest (files, TSV)",
    ),
    Stage("Tesseract: rest (files, TSV)", ("ocr.engine:recognise", "ocr.engine:recognise_words")),
    Stage("reading checks (turn band, plausibility)", ("ocr.checks:plausibility",)),
    Stage(
        "layout and regions",
        (
            "ocr.regions:find_regions",
            "ocr.regions:without_codes",
            "ocr.tables:find_tables",
            "ocr.table_layout:arrange_with_tables",
            "ocr.table_layout:with_text",
        ),
    ),
    Stage("correction", ("ocr.vietnamese.correct:correct_words",)),
    Stage("lines, blocks, text", ("ocr.text:lines_of", "ocr.text:blocks_of", "ocr.text:page_text")),
    Stage("hOCR", ("ocr.hocr:page_hocr",)),
    Stage("PDF assembly (page, document)", ("ocr.outputs:page_pdf", "ocr.outputs:document_pdf")),
    Stage("paper reading (kind, fields)", ("services.reading:read", "ocr.papers.read:read_paper")),
    Stage("writes: results as JSON", ("pydantic.main:model_dump_json",)),
    Stage("writes: object store", ("storage.local:put",)),
    Stage("writes: catalog", ("storage.catalog.papers:record_recognition",)),
    Stage("writes: search index", ("services.indexing:index_document",)),
    Stage("near-duplicate check", ("services.reuse:detect_near_duplicate",)),
)
NAMES = (*(s.name for s in STAGES), OTHER)


def _module_of() -> Callable[[str], str]:
    """File name → module name, from what is imported (cProfile names functions by file)."""
    files = {
        getattr(m, "__file__", None): name for name, m in list(sys.modules.items()) if m is not None
    }
    return lambda filename: files.get(filename) or filename


def attribute(stats: pstats.Stats, total: float) -> dict[str, float]:
    """Seconds per stage (and "other", so that they add up to `total`) of one profile.

    A call of a stage's function counts with the share of its caller's time spent outside every
    stage: that share is 1 at the profile's root, 0 inside a stage's function, and flows down
    each call in proportion to its time (a helper called from inside and outside stages).
    """
    raw: dict[Key, tuple[int, int, float, float, dict[Key, tuple[int, int, float, float]]]]
    raw = stats.stats  # type: ignore[attr-defined]
    module = _module_of()
    label = {key: f"{module(key[0])}:{key[2]}" for key in raw}
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


@dataclass
class PageProfile:
    """One page: the stages' seconds under the profiler, and the three wall times."""

    set: str
    page: str
    stages: dict[str, float]
    profiled: float
    """Recognition, paper reading and writes, under cProfile (what `stages` adds up to)."""
    sohoa: float
    """`recognise_document` alone, no profiler: sohoa's wall time for the page."""
    plain: float
    recorded: float
    """Paper reading and writes, under cProfile (a part of `profiled`)."""
    ran: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Worker:
    """What a worker does with a result, on a store and catalog in a temporary folder."""

    claim: Callable[[bytes], Claimed]
    """Upload the scan into a dossier and claim it (not profiled: the API's and queue's work)."""
    record: Callable[[Claimed, DocumentResult], object]
    """`services.processing.record_result`: paper reading, outputs, catalog, search index."""


@contextmanager
def worker() -> Iterator[Worker]:
    from bench.storage import BENCH_ACTOR, DOSSIER
    from models.schemas import DossierCreate
    from services import intake
    from services.context import Context
    from services.leases import lease, new_owner
    from services.processing import record_result
    from services.settings import Settings

    with tempfile.TemporaryDirectory(prefix="sohoa-profile-") as folder:
        ctx = Context.open(Settings(data_dir=Path(folder), workers=0))
        intake.create_dossier(ctx, BENCH_ACTOR, DossierCreate(**DOSSIER))
        owner = new_owner(ctx)

        def claim(data: bytes) -> Claimed:
            upload = intake.Upload("scan", io.BytesIO(data))
            [accepted] = intake.upload_documents(
                ctx, BENCH_ACTOR, DOSSIER["code"], [upload], assess=False
            )
            claimed = ctx.queue.claim(accepted.id, owner, lease(ctx)).claimed
            if claimed is None:
                raise RuntimeError(f"could not claim {accepted.id} (reused: {accepted.reused})")
            return claimed

        try:
            yield Worker(claim, lambda claimed, result: record_result(ctx, claimed, result))
        finally:
            ctx.close()


@dataclass(frozen=True)
class Page:
    set: str
    name: str
    path: Path
    """The file, for plain Tesseract; sohoa reads its bytes."""


def outside_pages(folder: Path, count: int) -> list[Page]:
    """`count` pages spread over the set (its files sorted by name run category by category)."""
    files = pages_of(folder)
    chosen = sorted({files[i * len(files) // count] for i in range(min(count, len(files)))})
    return [Page(folder.name, p.stem, p) for p in chosen]


def generated_pages(count: int, folder: Path, seed: int = 1) -> list[Page]:
    """`count` rendered pages, each degraded by the next of `CONDITIONS`, as files in `folder`."""
    result = []
    for index in range(count):
        page = render_page(pick(30, seed=seed * 1000 + index), title="QUYẾT ĐỊNH", font_pt=13)
        condition = CONDITIONS[index % len(CONDITIONS)]
        sample = degrade(page, condition, seed=seed * 10_000 + index)
        path = folder / f"{condition}-{index}{sample.suffix}"
        path.write_bytes(sample.data)
        result.append(Page(GENERATED, path.stem, path))
    return result


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def profile_page(page: Page, work: Worker, turn: int = 0) -> PageProfile:
    """The page read plainly, by sohoa, and by sohoa under cProfile with the worker's writes;
    `turn` rotates who goes first, so no one always gets the warmer cache."""
    data = page.path.read_bytes()
    options = OcrOptions()
    walls: dict[str, float] = {}
    profiler = cProfile.Profile()

    def profiled() -> None:
        claimed = work.claim(data)
        start = time.perf_counter()
        profiler.enable()
        try:
            result = recognise_document(data, options)
            middle = time.perf_counter()
            work.record(claimed, result)
        finally:
            profiler.disable()
        walls["profiled"] = time.perf_counter() - start
        walls["recorded"] = time.perf_counter() - middle

    runs: list[tuple[str, Callable[[], object]]] = [
        ("plain", lambda: plain_tesseract(page.path)),
        ("sohoa", lambda: recognise_document(data, options)),
        ("profiled", profiled),
    ]
    for name, call in runs[turn % 3 :] + runs[: turn % 3]:
        seconds = _timed(call)
        walls.setdefault(name, seconds)
    stats = pstats.Stats(profiler)
    module = _module_of()
    called = {f"{module(k[0])}:{k[2]}" for k in stats.stats}  # type: ignore[attr-defined]
    ran = {s.name for s in STAGES if called & set(s.functions)}
    return PageProfile(
        set=page.set,
        page=page.name,
        stages=attribute(stats, walls["profiled"]),
        profiled=walls["profiled"],
        sohoa=walls["sohoa"],
        plain=walls["plain"],
        recorded=walls["recorded"],
        ran=ran,
    )


def warm() -> None:
    """Load once what a worker loads once (models, Tesseract's language list) before timing."""
    warm_up()
    available_languages()


def run(pages: Sequence[Page], log: Callable[[str], None]) -> list[PageProfile]:
    warm()
    rows = []
    with worker() as work:
        for index, page in enumerate(pages):
            row = profile_page(page, work, index)
            rows.append(row)
            top = sorted(row.stages.items(), key=lambda kv: -kv[1])[:3]
            log(
                f"{row.set:<16} {row.page:<22} sohoa {row.sohoa:6.2f} s  plain {row.plain:6.2f} s"
                f"  profiled {row.profiled:6.2f} s  top: "
                + ", ".join(f"{name} {seconds:.2f}" for name, seconds in top)
            )
    return rows


# ---- the report -------------------------------------------------------------------------------


def _share(rows: Sequence[PageProfile], stage: str) -> str:
    total = sum(r.profiled for r in rows)
    return f"{100 * sum(r.stages[stage] for r in rows) / total:.1f} %" if total else "–"


def stage_table(rows: Sequence[PageProfile]) -> list[str]:
    """Stage, median seconds per page, share of all pages' profiled time, the share per set."""
    sets = list(dict.fromkeys(r.set for r in rows))
    head = ["stage", "s/page (median)", "share", *(f"share, {s}" for s in sets)]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name in NAMES:
        if name != OTHER and not any(name in r.ran for r in rows):
            lines.append(f"| {name} | – (did not run) |" + " |" * (len(head) - 2))
            continue
        median = statistics.median(r.stages[name] for r in rows)
        per_set = [_share([r for r in rows if r.set == s], name) for s in sets]
        lines.append(f"| {name} | {median:.3f} | {_share(rows, name)} | " + " | ".join(per_set) + " |")
    median = statistics.median(r.profiled for r in rows)
    lines.append(f"| **the page, profiled** | {median:.3f} | 100 % |" + " 100 % |" * len(sets))
    return lines


def set_table(rows: Sequence[PageProfile]) -> list[str]:
    """Per set: sohoa's and plain Tesseract's wall time per page, their ratio, the profiler's."""
    lines = [
        "| set | pages | sohoa s/page | plain s/page | sohoa/plain | recognition profiled/not "
        "| reading and writes s/page (profiled) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    groups = {s: [r for r in rows if r.set == s] for s in dict.fromkeys(r.set for r in rows)}
    for name, group in [*groups.items(), ("**all**", list(rows))]:
        sohoa, plain = sum(r.sohoa for r in group), sum(r.plain for r in group)
        profiled = sum(r.profiled - r.recorded for r in group)
        lines.append(
            f"| {name} | {len(group)} | {statistics.median(r.sohoa for r in group):.2f} | "
            f"{statistics.median(r.plain for r in group):.2f} | {sohoa / plain:.2f} | "
            f"{profiled / sohoa:.2f} | {statistics.median(r.recorded for r in group):.3f} |"
        )
    return lines


def report(rows: Sequence[PageProfile], command: str, started: datetime, about: str) -> str:
    return "\n".join(
        [
            "## Per-stage profile of one page: sohoa's stages beside plain `tesseract -l vie`",
            "",
            f"Made by `{command}` on {started:%Y-%m-%d %H:%M} UTC, sohoa at {revision()}.  ",
            f"Machine: {about}.  ",
            "Each page is read in one process by plain `tesseract FILE stdout -l vie` (one "
            "thread), by sohoa's `recognise_document` (one Tesseract thread), and by sohoa under "
            "cProfile followed by a worker's `record_result` (paper reading, then writes into a "
            "local store and SQLite catalog in a temporary folder), who goes first turning from "
            "page to page. The profile is cut into stages by function (`bench/profile.py`, "
            "`STAGES`): a stage's function called inside another stage's counts to the outer "
            "stage; 'other' is what no stage claims (the pipeline's own glue, result models). "
            "Shares are of the profiled time summed over the pages; cProfile slows Python code "
            "more than Tesseract's process, so Python stages weigh a little more here than "
            "without it (the profiler's cost is the 'profiled/not' column below). "
            "Tesseract's rows include its band reads for turn checks.",
            "",
            *stage_table(rows),
            "",
            *set_table(rows),
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--set", dest="sets", type=Path, action="append", default=None)
    parser.add_argument("--pages", type=int, default=3, help="pages of each set (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--section", default="profile")
    parser.add_argument("--no-write", action="store_true", help="print, do not write --out")
    args = parser.parse_args(argv)
    command = "python -m bench.profile " + shlex.join(argv if argv is not None else sys.argv[1:])
    started, about = datetime.now(UTC), machine()
    with tempfile.TemporaryDirectory(prefix="sohoa-profile-pages-") as folder:
        pages: list[Page] = []
        for wanted in args.sets or DEFAULT_SETS:
            if wanted.is_dir():
                pages += outside_pages(wanted, args.pages)
            else:
                print(f"bench.profile: no page set at {wanted}; skipped", file=sys.stderr)
        pages += generated_pages(args.pages, Path(folder))
        rows = run(pages, lambda line: print(line, file=sys.stderr, flush=True))
    body = report(rows, command.strip(), started, about)
    if not args.no_write:
        write_section(args.out, args.section, body)
    print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
