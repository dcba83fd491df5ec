"""What a backfile shows while it runs: a redrawn bar on a terminal, plain log lines otherwise.

Rates count only this run's recognised pages, so a resumed run's ETA is not fooled by the
files it skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Tally:
    files: int
    """Files in the source (manifest rows)."""
    seen: int = 0
    done: int = 0
    needs_review: int = 0
    failed: int = 0
    skipped: int = 0
    """Finished by an earlier run: nothing to do."""
    pages: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.done + self.needs_review + self.failed + self.skipped

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def pages_per_minute(self) -> float:
        return 60 * self.pages / self.elapsed if self.elapsed > 0 else 0.0

    def eta_seconds(self) -> float | None:
        worked = self.finished - self.skipped
        if worked <= 0:
            return None
        left = self.files - self.finished
        return left * self.elapsed / worked


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Progress:
    def __init__(self, stream: TextIO, tally: Tally, *, every: float | None = None) -> None:
        self.stream = stream
        self.tally = tally
        self.tty = stream.isatty()
        # a terminal is redrawn often; a log file gets a line now and then
        self.every = every if every is not None else (0.2 if self.tty else 10.0)
        self._last = 0.0

    def line(self) -> str:
        t = self.tally
        return (
            f"{t.finished}/{t.files} tệp, {t.pages} trang, {t.pages_per_minute():.1f} trang/phút, "
            f"còn {_clock(t.eta_seconds())}, lỗi {t.failed}"
        )

    def update(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        if self.tty:
            t = self.tally
            width = 24
            filled = width * t.finished // max(1, t.files)
            bar = "█" * filled + "·" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.line()}\033[K")
        else:
            self.stream.write(f"backfile: {self.line()}\n")
        self.stream.flush()

    def close(self) -> None:
        self.update(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def summary(self, report: str | None) -> str:
        t = self.tally
        lines = [
            f"Xong: {t.done} tệp, cần xem lại: {t.needs_review}, lỗi: {t.failed}, "
            f"đã làm từ trước: {t.skipped} (tổng {t.files} tệp)",
            f"{t.pages} trang trong {_clock(t.elapsed)} ({t.pages_per_minute():.1f} trang/phút)",
        ]
        if report:
            lines.append(f"Báo cáo lỗi: {report}")
        return "\n".join(lines)
