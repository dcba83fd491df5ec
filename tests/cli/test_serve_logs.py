"""The logs of a whole run of `sohoa serve`, at DEBUG: JSON lines with request ids, and no
citizen's name or ID number in any of them (upload an ID card, recognise, search, read)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import unicodedata
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx2

from models.extraction import FieldName
from models.kinds import DocumentKind
from synth.papers import paper
from tests.conftest import AGENCY, PASSWORD


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(data_dir: Path, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env={**os.environ, "SOHOA_DATA_DIR": str(data_dir)},
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "sohoa serve exited"
        try:
            if httpx2.get(f"{base}/healthz").status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("sohoa serve did not start")


def test_a_full_run_logs_json_lines_with_request_ids_and_nothing_personal(
    tmp_path: Path,
) -> None:
    card = paper(DocumentKind.ID_CARD, seed=7)
    name, personal_id = card.fields[FieldName.FULL_NAME], card.fields[FieldName.PERSONAL_ID]
    assert len(personal_id) == 12
    data_dir = tmp_path / "data"
    _run(data_dir, "user", "add", "clerk", "--role", "clerk", "--agency", AGENCY,
         "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
    port = _free_port()
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(data_dir),
        "SOHOA_PORT": str(port),
        "SOHOA_WORKERS": "1",
        "SOHOA_LOG_FORMAT": "json",
        "SOHOA_LOG_LEVEL": "DEBUG",
        "SOHOA_METRICS_TOKEN": "scrape-token-0123456789abcdef",
    }
    env.pop("SOHOA_QUEUE_URL", None)
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log, ExitStack() as stack:
        server = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve"], env=env, stdout=log, stderr=log
        )
        try:
            _wait_up(base, server)
            token = httpx2.post(
                f"{base}/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
            ).json()["access_token"]
            client = httpx2.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            stack.callback(client.close)
            code = f"{AGENCY}-240115-0007"
            dossier = {"code": code, "procedure_code": "1.001193",
                       "applicant_name": name, "applicant_id": personal_id}  # fmt: skip
            assert client.post("/api/v1/dossiers", json=dossier).status_code == 201
            buffer = io.BytesIO()
            card.page.image.save(buffer, "PNG", dpi=(300, 300))
            upload = client.post(
                f"/api/v1/dossiers/{code}/documents",
                files=[("files", (f"{personal_id}.png", buffer.getvalue(), "image/png"))],
                headers={"X-Request-ID": "upload-0123456789"},
            )
            assert upload.status_code == 202, upload.text
            assert upload.headers["X-Request-ID"] == "upload-0123456789"
            (document_id,) = upload.json()["document_ids"]
            deadline = time.monotonic() + 120
            while client.get(f"/api/v1/documents/{document_id}").json()["status"] in (
                "queued",
                "processing",
            ):
                assert time.monotonic() < deadline, "not recognised in time"
                time.sleep(0.3)
            text = client.get(f"/api/v1/documents/{document_id}/text").json()["text"]
            assert personal_id in text.replace(" ", "")  # it was read, so it could have leaked
            for q in (personal_id, name):
                found = client.get("/api/v1/search", params={"q": q})
                assert found.status_code == 200 and found.json()["total"] >= 1, found.text
            assert client.get(f"/api/v1/dossiers/{code}").status_code == 200
            # a bad request too: its error's detail is logged nowhere with the data
            client.get("/api/v1/search", params={"q": name, "limit": "nope"})
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)

    lines = log_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    # every line is JSON but the first administrator's notice (shown once, on purpose)
    assert len(records) >= len(lines) - 3, [line for line in lines if not line.startswith("{")]
    assert any(r.get("level") == "DEBUG" for r in records)
    # the upload's request id follows the document into the worker's lines
    upload_lines = [r for r in records if r.get("request_id") == "upload-0123456789"]
    assert any(r["logger"] == "sohoa.access" for r in upload_lines)
    assert any(r["logger"] == "services.processing" for r in upload_lines), upload_lines
    # nothing personal: the name (with or without its marks) and the ID number, anywhere
    everything = "\n".join(lines)
    folded = "".join(
        c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn"
    )
    encoded = (quote(name), quote_plus(name), json.dumps(name)[1:-1])  # in a URL, in JSON
    for secret in (personal_id, name, folded, *encoded):
        assert secret not in everything, secret
