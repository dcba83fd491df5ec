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
import hashlib
import io
import pstats
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.outside import DEFAULT_SETS, pages_of
from bench.recognition import ROOT, machine, plain_tesseract, revision
from bench.report import write_section
from bench.stages import NAMES, OTHER, attribute, stages_run
from models.catalog import Claimed
from models.recognition import DocumentResult
from ocr.engine import available_languages
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document, warm_up
from synth.corpus import pick
from synth.degrade import degrade
from synth.render import render_page

GENERATED = "generated"
CONDITIONS = ("clean_300", "phone_photo", "seal_signature", "faded_streaks", "skewed_scan")
"""Generated pages cycle through these: a flat scan, a photo (page quad), coloured ink, a faded
copy (photometry), a skewed scan (pose)."""


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
    ran: frozenset[str] = field(default_factory=frozenset)
    """The stages whose functions were called."""


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
    return PageProfile(
        set=page.set,
        page=page.name,
        stages=attribute(stats, walls["profiled"]),
        profiled=walls["profiled"],
        sohoa=walls["sohoa"],
        plain=walls["plain"],
        recorded=walls["recorded"],
        ran=stages_run(stats),
    )


def warm() -> None:
    """Load once what a worker loads once (models, Tesseract's language list) before timing."""
    warm_up()
    available_languages()


def distinct(pages: Sequence[Page], log: Callable[[str], None]) -> list[Page]:
    """The pages whose files differ: a second upload of the same bytes is a reuse, not a read
    (the service gives back the first document), so it cannot be profiled as a page. Generated
    pages and a `--set` of the recognition benchmark's pages (same seed) can be the same files."""
    seen: dict[str, Page] = {}
    for page in pages:
        digest = hashlib.sha256(page.path.read_bytes()).hexdigest()
        if digest in seen:
            first = seen[digest]
            log(f"{page.set}/{page.name}: the same file as {first.set}/{first.name}; profiled once")
        else:
            seen[digest] = page
    return list(seen.values())


def run(pages: Sequence[Page], log: Callable[[str], None]) -> list[PageProfile]:
    warm()
    rows = []
    with worker() as work:
        for index, page in enumerate(distinct(pages, log)):
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
        lines.append(
            f"| {name} | {median:.3f} | {_share(rows, name)} | " + " | ".join(per_set) + " |"
        )
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
            "page to page. The profile is cut into stages by function (`bench/stages.py`, "
            "`STAGES`): a stage's function called inside another stage's counts to the outer "
            "stage; 'other' is what no stage claims (the pipeline's glue: PIL–numpy copies, "
            "colour to grey, result models). "
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
