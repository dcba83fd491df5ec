"""The layout benchmark's verdicts: the gap to the one-column twin and the step's cost."""

from __future__ import annotations

from bench.layout import ONE, TWO, report
from bench.report import Measurement


def row(condition: str, system: str, errors: int, cpu: float) -> Measurement:
    return Measurement(condition, 0, system, errors, 1000, 0, 200, cpu, cpu)


def test_the_twin_gap_and_the_cost_are_judged_on_the_run() -> None:
    rows = [
        row(TWO, "tesseract", 90, 2.0),
        row(TWO, "sohoa", 25, 4.0),  # 2.5 % against the twin's 1.0 %: 1.5 points, missed
        row(TWO, "sohoa-no-layout", 80, 3.8),
        row(ONE, "tesseract", 10, 2.0),
        row(ONE, "sohoa", 10, 4.0),
    ]
    text = report(rows, [0.2, 0.3, 0.9], "python -m bench.layout", "a machine")
    assert "| 1 | sohoa | 2.50 % | 1.00 % | 4.00 |" in text
    assert "| 1 | sohoa-no-layout | 8.00 % | — | 3.80 |" in text
    assert "| CER two columns − CER one column (sohoa) | 1.50 points | ≤ 1.00 | NOT met |" in text
    # The median step, 0.3 s, over the 4 s page: 1.075, within 1.10.
    assert "| layout step: (page + step) / page, CPU | 1.075 (step 300 ms) | ≤ 1.10 | met |" in text
