"""`./dev` installs the project once for every command: its stamp records the extras installed.

The script is copied into a temporary folder with a fake virtualenv whose `python` only records
how it was called, so these tests see which installs `./dev` asks for, without pip or a network.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$(dirname "$0")/../calls"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "dev", tmp_path / "dev")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "ocr" / "native", tmp_path / "ocr" / "native")
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


def setup_venv(project: Path, *extras: str) -> list[str]:
    """Run `setup_venv EXTRAS` of ./dev; return the pip installs it asked for."""
    calls = project / "venv" / "calls"
    calls.unlink(missing_ok=True)
    subprocess.run(
        ["bash", "-c", 'source ./dev && setup_venv "$@"', "dev", *extras],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "SOHOA_VENV": "venv"},
        check=True,
        capture_output=True,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return [line for line in lines if "-e" in line.split()]


def test_serve_after_test_installs_the_union_once_then_neither_reinstalls(project: Path) -> None:
    assert setup_venv(project, "dev") == ["-m pip install -q -e .[dev]"]
    assert setup_venv(project, "postgres") == ["-m pip install -q -e .[dev,postgres]"]
    assert setup_venv(project, "dev") == []
    assert setup_venv(project, "postgres") == []
    stamp = (project / "venv" / ".sohoa-installed").read_text()
    assert "extras dev postgres\n" in stamp


def test_a_machine_set_up_for_both_skips_in_well_under_a_second(project: Path) -> None:
    assert setup_venv(project, "dev", "postgres") == ["-m pip install -q -e .[dev,postgres]"]
    started = time.monotonic()
    assert setup_venv(project, "dev") == []
    assert setup_venv(project, "postgres") == []
    assert time.monotonic() - started < 1.0


def test_a_changed_pyproject_reinstalls_every_extra_installed_before(project: Path) -> None:
    setup_venv(project, "dev", "postgres")
    with (project / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    assert setup_venv(project, "postgres") == ["-m pip install -q -e .[dev,postgres]"]
    assert setup_venv(project, "dev") == []


def test_a_changed_c_extension_installs_again_to_be_built(project: Path) -> None:
    """pip builds ocr/native/*.c as it installs: a change there must reach the built library."""
    setup_venv(project, "dev")
    with (project / "ocr" / "native" / "pngstore.c").open("a") as f:
        f.write("\n/* changed */\n")
    assert setup_venv(project, "dev") == ["-m pip install -q -e .[dev]"]
    assert setup_venv(project, "dev") == []


def test_a_stamp_of_the_old_one_line_form_counts_as_nothing_installed(project: Path) -> None:
    (project / "venv" / ".sohoa-installed").write_text("dev 0123abcd\n")
    assert setup_venv(project, "dev") == ["-m pip install -q -e .[dev]"]
