"""`sohoa backfile` and `sohoa worker` in-process: one line per problem, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.services.shelf import AGENCY, APPLICANT_ID, make_shelf, scan


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = {"SOHOA_DATA_DIR": str(tmp_path / "data"), "SOHOA_WORKERS": "1"}
    environ["SOHOA_QUEUE_URL"] = ""  # the local pool, whatever the caller's environment says
    runner = CliRunner()
    for name, role in (("luutru", "archivist"), ("motcua", "clerk")):
        added = runner.invoke(
            app, ["user", "add", name, "--role", role, "--agency", AGENCY], env=environ
        )
        assert added.exit_code == 0, added.output
    return environ


def test_a_bad_manifest_lists_every_bad_row_and_imports_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=2)
    text = manifest.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("1.001193", "9.9")
    text[2] = text[2].replace("trang-02.png", "khong-co.png")
    manifest.write_text("\n".join(text) + "\n", encoding="utf-8")

    result = CliRunner().invoke(
        app,
        ["backfile", str(tmp_path / "shelf"), "--manifest", str(manifest), "--as", "luutru"],
        env=env,
    )

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("sohoa: dòng 2: hop-01/trang-01.png procedure_code")
    assert lines[1].startswith("sohoa: dòng 3: hop-01/khong-co.png")
    assert lines[-1].endswith("[invalid_manifest] {'bad_rows': 2}")
    assert "Traceback" not in result.output


def test_a_folder_per_dossier_shelf_is_imported_with_a_summary(
    tmp_path: Path, env: dict[str, str]
) -> None:
    folder = tmp_path / "shelf" / f"{AGENCY}-240115-0007"
    folder.mkdir(parents=True)
    metadata = {"procedure_code": "1.001193", "applicant_name": "Hà Văn Bảy"}
    (folder / "dossier.json").write_text(json.dumps({**metadata, "applicant_id": APPLICANT_ID}))
    (folder / "giay-khai-sinh.png").write_bytes(scan(7))

    args = [
        "backfile",
        str(tmp_path / "shelf"),
        "--as",
        "luutru",
        "--report",
        str(tmp_path / "r.csv"),
    ]
    result = CliRunner().invoke(app, args, env=env)

    assert result.exit_code == 0, result.output
    assert "backfile: 1/1 tệp, 1 trang" in result.stderr  # not a terminal: plain lines
    assert "Xong: 1 tệp" in result.stdout or "cần xem lại: 1" in result.stdout
    assert (tmp_path / "r.csv").read_text().strip() == "file,row,error_code,message"


def test_a_clerk_may_not_backfile(tmp_path: Path, env: dict[str, str]) -> None:
    manifest = make_shelf(tmp_path, dossiers=1, files_per_dossier=1)
    args = ["backfile", str(tmp_path / "shelf"), "--manifest", str(manifest), "--as", "motcua"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 7, result.output
    assert "[forbidden]" in result.stderr


def test_a_worker_needs_a_queue(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["worker"], env=env)
    assert result.exit_code == 2
    assert result.stderr.strip() == "sohoa: chưa đặt SOHOA_QUEUE_URL (vd. redis://127.0.0.1:6379/0)"
