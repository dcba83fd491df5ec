"""A real `sohoa worker` (prefork, two processes) on the real Redis and RabbitMQ serves /metrics over HTTP:
the pages its processes recognised, summed, move after an upload; its log lines carry the
upload's request id, sent in the task's headers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from models.auth import Role
from services.settings import Settings
from tests.api.test_metrics import _free_port
from tests.conftest import DOSSIER, sign_in, wait_finished
from tests.services.shelf import scan, sohoa
from tests.services.test_celery_workers import BROKERS

# Celery workers of two tests must not meet: on a shared broker (one vhost, one Redis db) a
# `worker --ping` is answered by any worker, and a short visibility timeout sweeps back
# every worker's unacknowledged tasks. Under `./dev test` they run one after another.
pytestmark = pytest.mark.xdist_group("celery-workers")

TOKEN = "scrape-token-0123456789abcdef"


def scrape(port: int, token: str | None = TOKEN) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx2.get(f"http://127.0.0.1:{port}/metrics", headers=headers, timeout=10)


def samples(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = scrape(port)
    assert response.status_code == 200, response.text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _up(port: int, worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert worker.poll() is None, "the worker exited"
        try:
            scrape(port)
            return
        except httpx2.TransportError:
            time.sleep(0.2)
    raise AssertionError("the worker's metrics port never opened")


def test_a_celery_workers_metrics_move_after_its_pages_and_its_logs_carry_the_request_id(
    tmp_path: Path, broker: tuple[str, str]
) -> None:
    data_dir = tmp_path / "data"
    port = _free_port()
    settings = {
        "SOHOA_QUEUE_URL": broker[0],
        "SOHOA_QUEUE_NAME": broker[1],
        "SOHOA_METRICS_TOKEN": TOKEN,
        "SOHOA_LOG_FORMAT": "json",
    }
    command, env = sohoa(data_dir, **settings, SOHOA_WORKER_METRICS_PORT=str(port))
    api = Settings(
        data_dir=data_dir, workers=0, queue_url=broker[0], queue_name=broker[1], metrics_token=TOKEN
    )
    log_path = tmp_path / "worker.log"
    with TestClient(create_app(api)) as client, log_path.open("wb") as log:
        # the API migrated the catalog; the worker's two processes recognise
        worker = subprocess.Popen(
            [*command, "worker", "--pool", "prefork", "--concurrency", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _up(port, worker)
            assert scrape(port, token=None).status_code == 401
            assert scrape(port, token="another-token-0123456789").status_code == 401
            before = samples(port)
            assert before.get(("sohoa_pages_recognised_total", ()), 0.0) == 0.0

            client.headers.update(sign_in(client, "clerk", Role.CLERK, DOSSIER["code"][:13]))
            assert client.post("/api/v1/dossiers", json=DOSSIER).status_code == 201
            ids = []
            for n in (1, 2):
                response = client.post(
                    f"/api/v1/dossiers/{DOSSIER['code']}/documents",
                    files=[("files", (f"giay-{n}.png", scan(n), "image/png"))],
                    headers={"X-Request-ID": f"upload-worker-{n}-0123"},
                )
                assert response.status_code == 202, response.text
                ids.extend(response.json()["document_ids"])
            statuses = [wait_finished(client, document_id)["status"] for document_id in ids]
            assert set(statuses) <= {"done", "needs_review"}, statuses
            # the worker counts a page just after it records the document: allow it a moment
            deadline = time.monotonic() + 10
            after = samples(port)
            while after.get(("sohoa_documents_recognised_total", ()), 0) < 2:
                finished = sum(
                    after.get(("sohoa_documents_recognised_total", (("status", s),)), 0.0)
                    for s in ("done", "needs_review")
                )
                if finished >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
                after = samples(port)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)

    assert after[("sohoa_pages_recognised_total", ())] == 2
    assert after[("sohoa_page_stage_seconds_count", (("stage", "tesseract"),))] == 2
    assert after[("sohoa_page_stage_seconds_sum", (("stage", "tesseract"),))] > 0
    finished = sum(
        after.get(("sohoa_documents_recognised_total", (("status", s),)), 0.0)
        for s in ("done", "needs_review")
    )
    assert finished == 2
    records = [
        json.loads(line)
        for line in log_path.read_text(encoding="utf-8").splitlines()
        if line.startswith("{")
    ]
    for n, document_id in enumerate(ids, start=1):
        assert any(
            r.get("request_id") == f"upload-worker-{n}-0123" and document_id in r["message"]
            for r in records
        ), [r for r in records if document_id in r.get("message", "")]


def test_a_worker_metrics_port_without_a_scrape_token_is_refused_at_start(
    tmp_path: Path,
) -> None:
    command, env = sohoa(
        tmp_path / "data",
        SOHOA_QUEUE_URL=BROKERS["redis"][1],
        SOHOA_WORKER_METRICS_PORT=str(_free_port()),
    )
    env.pop("SOHOA_METRICS_TOKEN", None)
    done = subprocess.run([*command, "worker"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert b"SOHOA_METRICS_TOKEN" in done.stderr
