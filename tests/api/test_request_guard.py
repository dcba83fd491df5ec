"""Nobody fills the disk: a body is refused on its headers, before a byte of it is read.

Over a real socket to a real uvicorn, because the in-process test client sends the whole body
before the app sees the request: here the client sends headers and a first chunk only, and
the answer must come back without the rest.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import uvicorn

from api.app import create_app
from models.auth import Role
from services import auth
from services.settings import Settings
from tests.backends import free_port
from tests.conftest import AGENCY, DOSSIER, PASSWORD

MAX_UPLOAD = 256 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    data_dir: Path = tmp_path_factory.mktemp("guard")
    settings = Settings(
        data_dir=data_dir, workers=0, max_upload_bytes=MAX_UPLOAD, max_files_per_request=2
    )
    app = create_app(settings)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    auth.add_user(app.state.context, "clerk", Role.CLERK, AGENCY, PASSWORD)
    token = httpx2.post(
        f"{base}/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    httpx2.post(f"{base}/api/v1/dossiers", json=DOSSIER, headers=headers).raise_for_status()
    yield {"port": port, "token": token, "data_dir": data_dir}
    instance.should_exit = True
    thread.join(timeout=30)


def _send(port: int, head: list[str], body: bytes) -> tuple[int, dict[str, object]]:
    """Send the request line, headers and the first bytes only; return the answer's status and
    body, which must come within 5 s although the declared body never arrives."""
    path = f"/api/v1/dossiers/{DOSSIER['code']}/documents"
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *head, "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall("\r\n".join(lines).encode() + body)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not _complete(answer):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pytest.fail(f"no answer within 5 s: the server waits for the body ({answer[:80]!r})")
    head_bytes, _, rest = answer.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1])
    return status, json.loads(rest)


def _complete(answer: bytes) -> bool:
    head, _, rest = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(rest) >= int(line.split(b":")[1])
    return False


MULTIPART = "Content-Type: multipart/form-data; boundary=x"
FIRST_PART = (
    b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n'
    b"Content-Type: image/png\r\n\r\n" + b"\0" * 4096
)


def test_an_anonymous_upload_is_refused_before_its_body_is_read(
    server: dict[str, object],
) -> None:
    status, body = _send(
        int(str(server["port"])), [MULTIPART, f"Content-Length: {60 * 1024 * 1024}"], FIRST_PART
    )
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"  # type: ignore[index]


def test_a_wrong_token_is_refused_before_its_body_is_read(server: dict[str, object]) -> None:
    status, _ = _send(
        int(str(server["port"])),
        [MULTIPART, "Authorization: Bearer nope", f"Content-Length: {60 * 1024 * 1024}"],
        FIRST_PART,
    )
    assert status == 401


def test_a_declared_length_over_the_cap_is_refused_on_the_headers(
    server: dict[str, object],
) -> None:
    cap = 2 * MAX_UPLOAD + 1024 * 1024
    status, body = _send(
        int(str(server["port"])),
        [MULTIPART, f"Authorization: Bearer {server['token']}", f"Content-Length: {cap + 1}"],
        FIRST_PART,
    )
    assert status == 413
    assert body["error"]["code"] == "file_too_large"  # type: ignore[index]
    assert body["error"]["detail"]["max_bytes"] == cap  # type: ignore[index]


def test_a_chunked_body_is_cut_off_at_the_cap(server: dict[str, object]) -> None:
    """No length declared: the body is counted while it streams and refused past the cap."""
    port = int(str(server["port"]))
    cap = 2 * MAX_UPLOAD + 1024 * 1024

    def chunks() -> Iterator[bytes]:
        yield FIRST_PART
        for _ in range(cap // 65536 + 8):
            yield b"\0" * 65536

    response = httpx2.post(
        f"http://127.0.0.1:{port}/api/v1/dossiers/{DOSSIER['code']}/documents",
        content=chunks(),
        headers={
            "Content-Type": "multipart/form-data; boundary=x",
            "Authorization": f"Bearer {server['token']}",
        },
        timeout=30,
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "file_too_large"


def test_login_needs_no_token_and_small_json_bodies_pass(server: dict[str, object]) -> None:
    port = int(str(server["port"]))
    login = httpx2.post(
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        data={"username": "clerk", "password": PASSWORD},
    )
    assert login.status_code == 200
    anonymous_json = httpx2.patch(
        f"http://127.0.0.1:{port}/api/v1/documents/x", json={"issuer": "UBND"}
    )
    assert anonymous_json.status_code == 401
