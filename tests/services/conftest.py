"""Fixtures of the services' tests: a fresh queue on each real broker (Redis, RabbitMQ)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from kombu import Connection

from tests.backends import unavailable
from tests.services.test_celery_workers import BROKERS, listening


@pytest.fixture(params=list(BROKERS))
def broker(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(broker URL, queue name); the queue is deleted afterwards (RabbitMQ keeps it otherwise)."""
    address, url = BROKERS[request.param]
    if not listening(address):
        unavailable(f"needs {request.param} on {address}")
    queue = f"sohoa-test-{uuid.uuid4().hex[:12]}"
    yield url, queue
    with Connection(url) as connection:
        connection.default_channel.queue_delete(queue)
