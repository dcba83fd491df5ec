"""The backup benchmark's run, small: it fills, backs up, wipes, restores and proves the store."""

from pathlib import Path

from bench.backup import run
from services.settings import Settings


def test_a_small_run_backs_up_and_restores_every_paper(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "service", workers=0)
    row = run("SQLite + local folder", settings, 12, tmp_path / "backup")
    assert float(str(row["restore s"])) >= 0 and str(row["restore / backup (CPU)"]).endswith("×")
    manifest = (tmp_path / "backup" / "manifest.json").read_text()
    assert manifest.count('"key": "originals/') == 12
