"""The per-stage profile: its stages cover the pipeline (they add up to the profiled page with
little left unclaimed, and every stage that ran has a time), and without the shared sets it says
so and still measures generated pages. No timing is asserted: times are the benchmark's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import profile
from bench.profile import PageProfile
from bench.stages import NAMES, OTHER


@pytest.fixture(scope="module")
def clean_page(tmp_path_factory: pytest.TempPathFactory) -> PageProfile:
    folder = tmp_path_factory.mktemp("profile")
    [row] = profile.run(profile.generated_pages(1, folder), lambda line: None)
    return row


def test_the_stages_add_up_to_the_profiled_page(clean_page: PageProfile) -> None:
    stages = clean_page.stages
    assert set(stages) == set(NAMES)
    assert sum(stages.values()) == pytest.approx(clean_page.profiled, rel=0.01)
    # what no stage claims (glue, array conversions, models) is a small part of the page
    assert stages[OTHER] <= 0.1 * clean_page.profiled


def test_every_stage_that_ran_has_a_time(clean_page: PageProfile) -> None:
    expected = {
        "decode",
        "quality verdict",
        "pose (x-height, guess, apply)",
        "photometry: flatten",
        "Tesseract: recognition",
        "Tesseract: page image encode (BMP)",
        "layout and regions",
        "correction",
        "hOCR",
        "PDF/A (page, document, validation)",
        "paper reading (kind, fields)",
        "writes: object store",
        "writes: catalog",
        "writes: search index",
    }
    assert expected <= clean_page.ran
    assert all(clean_page.stages[name] > 0 for name in clean_page.ran)
    assert clean_page.recorded < clean_page.profiled


def test_without_the_shared_sets_it_says_so_and_measures_generated_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "benchmarks.md"
    argv = ["--set", str(tmp_path / "nowhere"), "--pages", "1", "--out", str(out)]
    assert profile.main(argv) == 0
    assert "no page set at" in capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert "<!-- profile:begin -->" in text and "<!-- profile:end -->" in text
    assert "| Tesseract: recognition |" in text
    assert "| generated | 1 |" in text


def test_a_file_given_twice_is_profiled_once(tmp_path: Path) -> None:
    # The recognition pages of seed 1 are the generated pages: given as a --set, the second
    # upload of the same bytes was a reuse the worker could not claim, and the run crashed.
    first, second, other = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    first.write_bytes(b"page one")
    second.write_bytes(b"page one")
    other.write_bytes(b"page two")
    pages = [profile.Page("s", p.stem, p) for p in (first, second, other)]
    said: list[str] = []
    assert [p.name for p in profile.distinct(pages, said.append)] == ["a", "c"]
    assert said == ["s/b: the same file as s/a; profiled once"]
