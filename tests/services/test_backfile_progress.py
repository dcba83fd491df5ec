"""The progress display: a redrawn bar on a terminal, plain lines in a log, honest rates."""

from __future__ import annotations

import io

from services.backfile.progress import Progress, Tally


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_redrawn_line_with_rate_and_eta() -> None:
    tally = Tally(files=10)
    tally.started -= 60  # a minute into the run
    tally.skipped, tally.done, tally.failed, tally.pages = 2, 4, 1, 12
    screen = Terminal()
    progress = Progress(screen, tally, every=0)

    progress.update()
    progress.close()

    text = screen.getvalue()
    assert text.startswith("\r[")
    assert text.endswith("\n") and text.count("\n") == 1  # redrawn in place, one final newline
    line = text.split("\r")[-1]
    assert "7/10 tệp, 12 trang, 12.0 trang/phút" in line
    # 5 files worked in 60 s (the 2 skipped ones cost nothing): 3 left → about 36 s
    assert "còn 0:00:36" in line and "lỗi 1" in line


def test_a_log_gets_plain_lines_no_more_often_than_asked() -> None:
    log = io.StringIO()
    progress = Progress(log, Tally(files=3), every=3600)
    progress.update(force=True)
    progress.update()  # too soon: nothing
    progress.tally.done = 3
    progress.close()
    assert log.getvalue().splitlines() == [
        "backfile: 0/3 tệp, 0 trang, 0.0 trang/phút, còn --:--, lỗi 0",
        "backfile: 3/3 tệp, 0 trang, 0.0 trang/phút, còn 0:00:00, lỗi 0",
    ]
