"""Logging in: an unknown name costs what a wrong password costs, and guessing is throttled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.app import create_app
from models.audit import AuditFilter
from models.auth import Role
from services import auth
from services.settings import Settings
from tests.conftest import AGENCY, PASSWORD, assert_error_body

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=0,
        login_attempts_per_name=3,
        login_attempts_per_address=5,
        login_window_seconds=600,
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        auth.add_user(client.app.state.context, "clerk", Role.CLERK, AGENCY, PASSWORD)  # type: ignore[attr-defined]
        yield client


def _login(client: TestClient, name: str, password: str) -> int:
    return client.post(TOKEN, data={"username": name, "password": password}).status_code


def test_an_unknown_name_is_checked_against_a_password_hash_too(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What took the time of a wrong password (argon2) must run for a name that does not exist:
    the real hasher runs, counted."""
    verified: list[str] = []
    real = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str, password: str | bytes) -> bool:
        verified.append(hash[:9])
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    assert _login(app_client, "clerk", "wrong password!") == 401
    assert _login(app_client, "nobody-here", "wrong password!") == 401
    assert verified == ["$argon2id", "$argon2id"]


def test_a_name_is_throttled_even_with_the_right_password(app_client: TestClient) -> None:
    for _ in range(3):
        assert _login(app_client, "clerk", "guess guess guess") == 401
    response = app_client.post(TOKEN, data={"username": "clerk", "password": PASSWORD})
    assert_error_body(response, 429, "too_many_attempts")
    assert response.headers["Retry-After"] == "600"
    ctx = app_client.app.state.context  # type: ignore[attr-defined]
    throttled = [
        e
        for e in ctx.audit.events(AuditFilter(), limit=100, offset=0)
        if e.action == "login_throttled"
    ]
    assert len(throttled) == 1 and throttled[0].object_id == "clerk"
    assert throttled[0].outcome == "denied"


def test_many_names_from_one_address_are_throttled(app_client: TestClient) -> None:
    for number in range(5):
        assert _login(app_client, f"name-{number}", "guess guess guess") == 401
    assert _login(app_client, "clerk", PASSWORD) == 429
