"""`sohoa user add|key|list` against the configured catalog."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"SOHOA_DATA_DIR": str(tmp_path / "data")}


def test_add_a_clerk_prints_its_password_once_then_a_key(env: dict[str, str]) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app, ["user", "add", "lan", "--role", "clerk", "--agency", "000.00.01.H29"], env=env
    )
    assert added.exit_code == 0, added.output
    assert "password: " in added.stdout
    key = runner.invoke(app, ["user", "key", "lan", "--name", "mot-cua"], env=env)
    assert key.exit_code == 0 and key.stdout.startswith("sohoa_")
    listed = runner.invoke(app, ["user", "list"], env=env)
    assert "lan\tclerk\t000.00.01.H29" in listed.stdout


def test_password_from_stdin_is_not_echoed(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "add", "kiemtoan", "--role", "auditor", "--password-stdin"],
        input="một-mật-khẩu-đủ-dài\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "một-mật-khẩu" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "x", "--role", "king"], "unknown role"),
        (["user", "add", "x", "--role", "clerk"], "cơ quan"),
        (["user", "add", "x", "--role", "clerk", "--agency", "H29"], "Mã cơ quan"),
        (["user", "key", "nobody", "--name", "x"], "Không tìm thấy người dùng"),
    ],
)
def test_mistakes_give_one_line_and_a_nonzero_exit(
    env: dict[str, str], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code != 0
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_duplicate_user_is_refused(env: dict[str, str]) -> None:
    runner = CliRunner()
    args = ["user", "add", "lan", "--role", "officer", "--agency", "000.00.01.H29"]
    assert runner.invoke(app, args, env=env).exit_code == 0
    again = runner.invoke(app, args, env=env)
    assert again.exit_code == 2 and "đã tồn tại" in again.stderr
