"""With SOHOA_QUEUE_URL set, uploads and backfiles send document ids to the broker (real Redis)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from models.auth import Role
from services.backfile.runners import CeleryQueue
from services.context import Context
from services.queue import TASK, Enqueuer
from services.settings import Settings
from storage.catalog.tables import DocumentRow, utcnow
from tests.backends import unavailable
from tests.conftest import AGENCY, DOSSIER, sign_in
from tests.services.shelf import scan
from tests.services.test_celery_workers import REDIS, redis_up


@pytest.fixture(autouse=True)
def _redis() -> None:
    if not redis_up():
        unavailable("needs Redis on 127.0.0.1:6379")


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"sohoa-test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(*REDIS)
    client.delete(name)
    client.close()


def upload_one(client: TestClient) -> str:
    """As a clerk: open the dossier, upload one scan (202), return the document id."""
    client.headers.update(sign_in(client, "motcua", Role.CLERK, AGENCY))
    assert client.post("/api/v1/dossiers", json=DOSSIER).status_code == 201
    response = client.post(
        f"/api/v1/dossiers/{DOSSIER['code']}/documents",
        files=[("files", ("a.png", scan(1), "image/png"))],
    )
    assert response.status_code == 202, response.text
    (document_id,) = response.json()["document_ids"]
    return str(document_id)


def test_an_upload_is_enqueued_for_the_workers(tmp_path: Path, queue: str) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        queue_url=f"redis://{REDIS[0]}:{REDIS[1]}/0",
        queue_name=queue,
    )
    with TestClient(create_app(settings)) as client:
        document_id = upload_one(client)
        # no worker in the API process: the document waits for a `sohoa worker`
        assert client.get(f"/api/v1/documents/{document_id}").json()["status"] == "queued"

    broker = redis.Redis(*REDIS)
    messages = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
    broker.close()
    assert [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages] == [
        (TASK, repr([document_id]))
    ]


def test_a_rescan_is_enqueued_for_the_workers_too(tmp_path: Path, queue: str) -> None:
    """A rescan queues the paper again: with Celery it must reach the broker, or it stays
    `queued` for good (the route used to wake the embedded pool only, which Celery mode has
    not)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        workers=1,
        queue_url=f"redis://{REDIS[0]}:{REDIS[1]}/0",
        queue_name=queue,
    )
    with TestClient(create_app(settings)) as client:
        document_id = upload_one(client)
        rescan = client.put(
            f"/api/v1/documents/{document_id}/scan",
            files=[("file", ("b.png", scan(2), "image/png"))],
        )
        assert rescan.status_code == 202, rescan.text
    broker = redis.Redis(*REDIS)
    messages = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
    broker.close()
    assert [m["headers"]["argsrepr"] for m in messages] == [repr([document_id])] * 2


def test_the_backfile_resends_what_the_broker_lost(tmp_path: Path, queue: str) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", queue_url=f"redis://{REDIS[0]}:{REDIS[1]}/0", queue_name=queue
    )
    runner = CeleryQueue(settings, poll=0.1)
    runner._resend_after = 0.3  # production: twice the visibility timeout
    broker = redis.Redis(*REDIS)
    try:
        runner.recognise(["a" * 32, "b" * 32])
        broker.delete(queue)  # Redis restarted without its data, say
        runner.forget("b" * 32)  # finished meanwhile: not to be sent again
        time.sleep(0.4)
        runner.wait(timeout=0.1)
        messages = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
    finally:
        runner.close(cancel=False)
        broker.close()
    assert [m["headers"]["argsrepr"] for m in messages] == [repr(["a" * 32])]


def test_an_upload_is_accepted_when_the_broker_is_down_and_sent_later(
    tmp_path: Path, queue: str
) -> None:
    down = Settings(data_dir=tmp_path / "data", queue_url="redis://127.0.0.1:1/0", queue_name=queue)
    with TestClient(create_app(down)) as client:
        # stored and committed before the broker was tried: the clerk must not send it again
        document_id = upload_one(client)

    up = down.model_copy(
        update={"queue_url": f"redis://{REDIS[0]}:{REDIS[1]}/0", "queue_visibility_timeout": 5}
    )
    ctx = Context.open(up)
    enqueuer = Enqueuer(up)
    try:
        assert enqueuer.resend_stale(ctx) == 0  # too recent: its message may be on its way
        with ctx.catalog.engine.begin() as connection:
            connection.execute(
                update(DocumentRow).values(updated_at=utcnow() - timedelta(seconds=60))
            )
        assert enqueuer.resend_stale(ctx) == 1  # what `sohoa worker` does when it starts
    finally:
        enqueuer.close()
        ctx.close()
    broker = redis.Redis(*REDIS)
    messages = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
    broker.close()
    assert [m["headers"]["argsrepr"] for m in messages] == [repr([document_id])]
