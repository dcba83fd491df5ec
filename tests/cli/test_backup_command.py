"""`sohoa backup`, `sohoa restore`, `sohoa verify-store` from the command line: the round trip,
one-line errors with their exit codes on bad input, and no personal data in what is printed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from tests.conftest import ADMIN, DOSSIER
from tests.services.shelf import scan


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A service's data folder with a dossier and two uploaded scans."""
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    ctx = Context.open(Settings())
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    uploads = [intake.Upload(f"{n}.png", io.BytesIO(scan(n))) for n in (1, 2)]
    intake.upload_documents(ctx, ADMIN, DOSSIER["code"], uploads, assess=False)
    ctx.close()
    return tmp_path / "data"


def _personal(output: str) -> bool:
    return DOSSIER["applicant_id"] in output or DOSSIER["applicant_name"] in output


def test_backup_wipe_restore_verify(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    backed = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert backed.exit_code == 0, backed.output
    assert "backed up 2 object(s)" in backed.output and "copied 2 new" in backed.output
    again = runner.invoke(app, ["backup", str(tmp_path / "backup")])
    assert again.exit_code == 0 and "copied 0 new" in again.output

    shutil.rmtree(data_dir)
    restored = runner.invoke(app, ["restore", str(tmp_path / "backup")])
    assert restored.exit_code == 0, restored.output
    assert "restored 2 object(s)" in restored.output
    checked = runner.invoke(app, ["verify-store"])
    assert checked.exit_code == 0, checked.output
    assert "0 missing, 0 corrupt, 0 orphan(s)" in checked.output
    for result in (backed, again, restored, checked):
        assert not _personal(result.output)


def test_restore_into_a_service_with_data_says_why_and_exits_2(
    data_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["backup", str(tmp_path / "backup")]).exit_code == 0
    refused = runner.invoke(app, ["restore", str(tmp_path / "backup")])
    assert refused.exit_code == 2
    assert "[target_not_empty]" in refused.output and "--force" in refused.output
    forced = runner.invoke(app, ["restore", "--force", str(tmp_path / "backup")])
    assert forced.exit_code == 0, forced.output


def test_restore_from_what_is_not_a_backup_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "SOHOA_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "not-a-backup").mkdir()
    (tmp_path / "not-a-backup" / "notes.txt").write_text("x")
    for source in ("not-a-backup", "nowhere"):
        run = subprocess.run(
            [sys.executable, "-m", "cli.main", "restore", str(tmp_path / source)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("sohoa: ") and run.stderr.count("\n") == 1
        assert "Traceback" not in run.stderr
    assert not (tmp_path / "data" / "objects").exists()  # nothing written


def test_backup_into_a_folder_of_other_files_is_refused(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "thesis.odt").write_bytes(b"x")
    refused = CliRunner().invoke(app, ["backup", str(tmp_path / "elsewhere")])
    assert refused.exit_code == 2 and "[invalid_backup]" in refused.output


def test_verify_store_exits_5_on_a_missing_object(data_dir: Path) -> None:
    victim = next(
        p
        for p in (data_dir / "objects" / "originals").rglob("*")
        if p.is_file() and not p.name.endswith(".meta.json")
    )
    victim.unlink()
    checked = CliRunner().invoke(app, ["verify-store"])
    assert checked.exit_code == 5
    assert f"missing originals/{victim.parent.name}/{victim.name}" in checked.output
    assert "1 missing, 0 corrupt" in checked.output and not _personal(checked.output)
