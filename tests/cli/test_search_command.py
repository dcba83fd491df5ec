"""`sohoa search`: search as a named user, and rebuild the index from the catalog."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bench.search_data import load
from cli.main import app
from models.auth import Role
from services import auth
from services.context import Context
from services.settings import Settings
from tests.conftest import AGENCY, PASSWORD
from tests.services.test_search import AN, HA_DOT


def test_search_and_rebuild_from_the_command_line(tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data")}
    ctx = Context.open(Settings(data_dir=tmp_path / "data", workers=0))
    load(ctx, [AN, HA_DOT])
    auth.add_user(ctx, "lan", Role.CLERK, AGENCY, PASSWORD)
    ctx.search.index.clear()
    ctx.close()
    runner = CliRunner()
    empty = runner.invoke(app, ["search", "nguyen van an", "--as", "lan"], env=env)
    assert empty.exit_code == 0, empty.output
    assert empty.stdout.startswith("0 kết quả")

    rebuilt = runner.invoke(app, ["search", "--rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "indexed 2 paper(s)" in rebuilt.stdout

    found = runner.invoke(app, ["search", "nguyen van an", "--as", "lan"], env=env)
    assert found.exit_code == 0, found.output
    lines = found.stdout.splitlines()
    assert lines[0] == "2 kết quả"
    assert lines[1].startswith(f"{AN.code}\t") and "trang 1" in lines[1]
    assert "<mark>" not in found.stdout
    # a clerk of another agency's dossier finds nothing of it
    assert runner.invoke(app, ["search", "le thu ha", "--as", "lan"], env=env).stdout.startswith(
        "0 kết quả"
    )
    assert HA_DOT.agency != AGENCY


def test_a_search_without_words_exits_2(tmp_path: Path) -> None:
    env = {"SOHOA_DATA_DIR": str(tmp_path / "data")}
    ctx = Context.open(Settings(data_dir=tmp_path / "data", workers=0))
    auth.add_user(ctx, "lan", Role.CLERK, AGENCY, PASSWORD)
    ctx.close()
    result = CliRunner().invoke(app, ["search", "!!!", "--as", "lan"], env=env)
    assert result.exit_code == 2
    assert "invalid_query" in result.output
    assert CliRunner().invoke(app, ["search", "an"], env=env).exit_code == 2
