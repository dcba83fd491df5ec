"""The embedded worker pool's processes (services/processing.py, WorkerPool)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ocr import tess_api
from services.context import Context
from services.processing import WorkerPool
from services.settings import Settings


def warm_when_asked() -> tuple[int, bool]:
    """In a pool process: its pid, and whether Tesseract's model was loaded before any page."""
    loaded = tess_api.loaded("vie")
    time.sleep(0.5)  # both tasks in flight at once: one per process
    return os.getpid(), loaded


def test_every_process_of_the_pool_is_warm_before_its_first_page(tmp_path: Path) -> None:
    # A warm-up task went to whichever process was idle first: the other process read the
    # clerk's first page cold (loading Tesseract's model, 0.15 s, on the clock).
    ctx = Context.open(Settings(data_dir=tmp_path / "data", workers=0))
    pool = WorkerPool(ctx, processes=2)
    executor = pool._new_pool()
    try:
        answers = [f.result(timeout=120) for f in [executor.submit(warm_when_asked) for _ in "ab"]]
    finally:
        executor.shutdown(wait=True)
        ctx.close()
    assert len({pid for pid, _ in answers}) == 2
    assert all(loaded for _, loaded in answers) == tess_api.available()


def test_a_language_not_installed_leaves_the_pool_working(tmp_path: Path) -> None:
    # the warm-up is the pool's initializer: had it raised, every process would die at start
    # and each document fail as a dead worker, not with the page's "missing language" error
    ctx = Context.open(Settings(data_dir=tmp_path / "data", workers=0, ocr_languages="zzz"))
    executor = WorkerPool(ctx, processes=1)._new_pool()
    try:
        assert executor.submit(int, "7").result(timeout=120) == 7
    finally:
        executor.shutdown(wait=True)
        ctx.close()
