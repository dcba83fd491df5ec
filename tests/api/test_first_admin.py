"""The embedded default creates a first admin with a password of its own, printed once."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.settings import Settings

BANNER = re.compile(r"user 'admin', password '([^']+)'")


def _start(settings: Settings, capsys: pytest.CaptureFixture[str]) -> tuple[str, TestClient]:
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.__enter__()
    return capsys.readouterr().err, client


def test_first_start_prints_a_generated_admin_password_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "a", workers=0)
    banner, client = _start(settings, capsys)
    match = BANNER.search(banner)
    assert match, banner
    password = match.group(1)
    token = client.post("/api/v1/auth/token", data={"username": "admin", "password": password})
    assert token.status_code == 200
    client.__exit__(None, None, None)

    again, client = _start(settings, capsys)
    assert BANNER.search(again) is None
    client.__exit__(None, None, None)

    other, client = _start(Settings(data_dir=tmp_path / "b", workers=0), capsys)
    other_match = BANNER.search(other)
    assert other_match is not None and other_match.group(1) != password
    client.__exit__(None, None, None)
