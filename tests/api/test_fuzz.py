"""Property-based fuzzing of our own OpenAPI with schemathesis, over real HTTP: zero 5xx.

A real uvicorn server runs the app in a thread; every operation gets generated requests, signed
in as a clerk (so the fuzz reaches past authentication) and anonymous.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from models.auth import Role
from services import auth
from services.settings import Settings
from tests.conftest import AGENCY, DOSSIER, PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(data_dir=data_dir, workers=0))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    auth.add_user(app.state.context, "fuzz", Role.CLERK, AGENCY, PASSWORD)
    token = httpx2.post(
        f"{base}/api/v1/auth/token", data={"username": "fuzz", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    httpx2.post(f"{base}/api/v1/dossiers", json=DOSSIER, headers=headers).raise_for_status()
    yield {"base": base, "headers": headers}
    instance.should_exit = True
    thread.join(timeout=30)


# The schema comes from the app itself (no server needed to collect the tests).
SCHEMA = schemathesis.openapi.from_dict(create_app(Settings(workers=0)).openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_request_makes_a_server_error(operation: Any, server: dict[str, Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def run(case: Any) -> None:
        for headers in (server["headers"], {}):
            response = case.call(base_url=server["base"], headers=headers)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.text[:300],
            )
            if response.status_code >= 400:
                body = response.json()
                assert set(body["error"]) == {"code", "message", "detail"}, body

    run()
