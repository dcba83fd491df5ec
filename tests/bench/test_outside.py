"""The outside benchmark: it says so and exits 0 without the shared sets; its verdicts are judged
on the run's rows; a tiny generated set goes through it end to end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bench import outside
from bench.outside import PageRow, Score, bag_errors, category_of, report
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from synth.corpus import pick
from synth.render import render_page


def side(errors: int, seconds: float = 1.0, turn: int = 0) -> Score:
    return Score(
        seconds=seconds,
        cpu_seconds=seconds,
        confidence=90.0,
        valid=0.9,
        turn=turn,
        char_errors=errors,
        word_errors=0,
        bag_errors=0,
    )


def row(page: str, plain: int, sohoa: int, *, chars: int = 1000) -> PageRow:
    return PageRow("set", page, category_of(page), chars, 200, side(plain), side(sohoa))


def test_without_the_shared_sets_it_says_so_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert outside.main(["--set", str(tmp_path / "nowhere"), "--out", str(tmp_path / "b.md")]) == 0
    assert "no page sets here" in capsys.readouterr().err
    assert not (tmp_path / "b.md").exists()


def test_a_page_more_than_two_points_worse_misses_whatever_the_average() -> None:
    rows = [row(f"form_{n}", plain=50, sohoa=0) for n in range(9)]
    rows.append(row("form_9", plain=0, sohoa=25))  # 2.5 points worse on one page
    text = report(rows, "python -m bench.outside", outside.datetime.now(outside.UTC), "m")
    assert "| overall CER ≤ 0.5 × plain | 0.06 × | met |" in text
    assert (
        "| no page more than 2 points worse than plain | worst form_9: +2.50 points | **missed** |"
        in text
    )


def test_a_category_worse_than_plain_misses() -> None:
    rows = [row("receipt_0", plain=10, sohoa=12), row("form_0", plain=40, sohoa=0)]
    text = report(rows, "python -m bench.outside", outside.datetime.now(outside.UTC), "m")
    assert "| set/receipt: CER no worse than plain | 1.20 % against 1.00 % | **missed** |" in text
    assert "| set/form: CER no worse than plain | 0.00 % against 4.00 % | met |" in text


def test_order_free_errors_ignore_order_only() -> None:
    assert bag_errors(["a", "b", "c"], ["c", "a", "b"]) == 0
    assert bag_errors(["a", "b", "c"], ["a", "b"]) == 1
    assert bag_errors(["a", "b"], ["a", "x", "y"]) == 2


def test_categories_are_named_as_the_sets_name_them() -> None:
    assert category_of("receipt_12") == "receipt"
    assert category_of("qd_707_ttg-05") == "qd_707_ttg"
    assert category_of("id_card_flatbed_r90_3") == "id_card_flatbed_r90"


def test_a_generated_set_is_scored_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The models are loaded before the first page is timed, once, as a worker loads them.
    events: list[str] = []
    real_warm, real_read = outside.warm_up, outside.recognise_document

    def warm() -> None:
        events.append("warm")
        real_warm()

    def read(data: bytes, options: OcrOptions) -> DocumentResult:
        events.append("read")
        return real_read(data, options)

    monkeypatch.setattr(outside, "warm_up", warm)
    monkeypatch.setattr(outside, "recognise_document", read)
    page = render_page(pick(2, seed=4), title="THÔNG BÁO", dpi=150)
    folder = tmp_path / "set"
    folder.mkdir()
    buffer = io.BytesIO()
    page.image.convert("L").save(buffer, "PNG", dpi=(150, 150))
    (folder / "notice_0.png").write_bytes(buffer.getvalue())
    (folder / "notice_0.gt.txt").write_text(page.text, encoding="utf-8")
    (folder / "scan_0.png").write_bytes(buffer.getvalue())  # no transcript: kept words instead
    out = tmp_path / "benchmarks.md"
    assert (
        outside.main(["--set", str(folder), "--out", str(out), "--keep", str(tmp_path / "k")]) == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "<!-- outside:begin -->" in text and "| set/notice | 1 |" in text
    assert "| set/scan_0 | 0 |" in text  # upright, as given
    assert (tmp_path / "k" / "set" / "notice_0.sohoa.txt").exists()
    assert events == ["warm", "read", "read"]
