"""/metrics over real HTTP: Prometheus text behind a scrape token; the counters move with work."""

import io
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import text

from api.app import create_app
from models.auth import Role
from services import auth
from services.settings import Settings
from storage.catalog.backfile import BackfileLog
from synth.render import RenderedPage
from tests.conftest import AGENCY, DOSSIER, PASSWORD, assert_error_body
from tests.services.shelf import scan

TOKEN = "scrape-token-0123456789abcdef"
UPLOAD_ROUTE = "/api/v1/dossiers/{code}/documents"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir: Path = tmp_path_factory.mktemp("metrics")
    app = create_app(Settings(data_dir=data_dir, workers=1, metrics_token=TOKEN))
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    httpx2.post(f"{base}/api/v1/dossiers", json=DOSSIER, headers=headers).raise_for_status()
    yield {"base": base, "headers": headers}
    instance.should_exit = True
    thread.join(timeout=30)


def scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx2.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_the_counters_move_after_an_upload(
    server: dict[str, Any], vietnamese_page: RenderedPage
) -> None:
    base, headers = server["base"], server["headers"]
    before = scrape(base)
    buffer = io.BytesIO()
    vietnamese_page.image.crop((0, 0, vietnamese_page.image.width, 700)).save(
        buffer, "PNG", dpi=(300, 300)
    )
    response = httpx2.post(
        f"{base}/api/v1/dossiers/{DOSSIER['code']}/documents",
        files=[("files", ("giay-to.png", buffer.getvalue(), "image/png"))],
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 202, response.text
    (document_id,) = response.json()["document_ids"]
    deadline = time.monotonic() + 120
    while True:
        status = httpx2.get(f"{base}/api/v1/documents/{document_id}", headers=headers)
        if status.json()["status"] in ("done", "needs_review", "failed"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status.json()["status"] != "failed"
    after = scrape(base)

    upload = {"method": "POST", "route": UPLOAD_ROUTE}
    # by the route's template: the dossier's code never becomes a label
    assert value(after, "sohoa_http_requests_total", **upload, status="202") == (
        value(before, "sohoa_http_requests_total", **upload, status="202") + 1
    )
    assert value(after, "sohoa_http_request_duration_seconds_count", **upload) == (
        value(before, "sohoa_http_request_duration_seconds_count", **upload) + 1
    )
    assert DOSSIER["code"] not in str(after)
    assert value(after, "sohoa_pages_recognised_total") == (
        value(before, "sohoa_pages_recognised_total") + 1
    )
    assert value(after, "sohoa_queue_depth", status="queued") == 0
    assert ("sohoa_queue_depth", (("status", "processing"),)) in after
    # a refused request is counted under its status too
    httpx2.get(f"{base}/api/v1/documents/{document_id}")
    assert (
        value(
            scrape(base),
            "sohoa_http_requests_total",
            method="GET",
            route="/api/v1/documents/{document_id}",
            status="401",
        )
        >= 1
    )


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}],
    ids=["no token", "wrong token", "not a bearer"],
)
def test_a_scrape_without_the_token_is_refused_with_our_body(
    server: dict[str, Any], headers: dict[str, str]
) -> None:
    response = httpx2.get(f"{server['base']}/metrics", headers=headers)
    error = assert_error_body(response, 401, "unauthenticated")
    assert "sohoa_" not in str(error)


def test_a_clerks_token_is_not_a_scrape_token(server: dict[str, Any]) -> None:
    response = httpx2.get(f"{server['base']}/metrics", headers=server["headers"])
    assert_error_body(response, 401, "unauthenticated")


def test_without_a_token_setting_there_is_no_metrics_endpoint(anonymous: TestClient) -> None:
    assert_error_body(anonymous.get("/metrics"), 404)
    assert_error_body(anonymous.get("/metrics", headers={"Authorization": "Bearer x"}), 404)


def test_a_short_scrape_token_is_refused_at_start() -> None:
    with pytest.raises(ValidationError):
        Settings(metrics_token="metrics")


def test_the_backlog_and_search_latency_are_scraped(tmp_path: Path) -> None:
    """Queue depth, the oldest waiting document's age and the backfiles' files, asked of the
    catalog at the scrape; a search is timed."""
    settings = Settings(data_dir=tmp_path / "data", workers=0, metrics_token=TOKEN)
    with TestClient(create_app(settings)) as client:
        ctx = client.app.state.context  # type: ignore[attr-defined]
        auth.add_user(ctx, "clerk", Role.CLERK, AGENCY, PASSWORD)
        token = client.post(
            "/api/v1/auth/token", data={"username": "clerk", "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        client.post("/api/v1/dossiers", json=DOSSIER).raise_for_status()
        empty = _scrape_client(client)
        assert value(empty, "sohoa_queue_oldest_seconds") == 0
        assert value(empty, "sohoa_search_duration_seconds_count") == 0
        for n in (1, 2):  # nobody recognises here (0 workers): both wait
            client.post(
                f"/api/v1/dossiers/{DOSSIER['code']}/documents",
                files=[("files", (f"{n}.png", scan(n), "image/png"))],
            ).raise_for_status()
        with ctx.catalog.engine.begin() as connection:  # the first one waited ten minutes
            first = connection.execute(text("SELECT min(id) FROM documents")).scalar_one()
            connection.execute(
                text("UPDATE documents SET updated_at = :at WHERE id = :id"),
                {"at": datetime.now(UTC) - timedelta(minutes=10), "id": first},
            )
        checkpoint = BackfileLog(ctx.catalog.engine)
        for path, status in (("a.png", "done"), ("b.png", "done"), ("c.png", "pending")):
            checkpoint.save("/kho", DOSSIER["code"], path, status=status)
        assert client.get("/api/v1/search", params={"q": "khai sinh"}).status_code == 200
        now = _scrape_client(client)
    assert value(now, "sohoa_queue_depth", status="queued") == 2
    assert 590 < value(now, "sohoa_queue_oldest_seconds") < 700
    assert value(now, "sohoa_backfile_files", status="done") == 2
    assert value(now, "sohoa_backfile_files", status="pending") == 1
    assert value(now, "sohoa_search_duration_seconds_count") == 1


def _scrape_client(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
