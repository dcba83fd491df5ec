"""The seconds a page spends in each stage of the pipeline, kept with its result: the worker
that records the page turns them into metrics (services/metrics.py); nothing here measures
more than a clock."""

from __future__ import annotations

import time


class Laps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._mark = time.perf_counter()

    def lap(self, stage: str) -> None:
        """The time since the previous lap (or the start) was spent in `stage`."""
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._mark
        self._mark = now
