"""Real backends for the tests: a PostgreSQL database and an S3 server (moto) per session.

PostgreSQL: a database `sohoa_test_<random>` is created on the server at
SOHOA_TEST_POSTGRES_URL (default 127.0.0.1:5432, user postgres) and dropped at the end; each
test starts from an empty schema. Without a server the PostgreSQL cases are skipped with the
reason, except under CI (`CI` set), where that is a failure: CI has one.

S3: no MinIO server can be installed from this machine's registries, so the MinIO store is
tested over real HTTP against moto's standalone S3 server (`ThreadedMotoServer`) on a free port.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from storage.s3 import S3Config, S3ObjectStore

POSTGRES_ADMIN_URL = os.environ.get(
    "SOHOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unavailable(reason: str) -> NoReturn:
    """A real server the test needs is down: skip on a developer's machine, fail in CI (which
    has PostgreSQL, Redis and RabbitMQ running), so CI can never pass by skipping them."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this session, dropped afterwards."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"sohoa_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        unavailable(f"no PostgreSQL answers at {POSTGRES_ADMIN_URL}: {str(exc.orig)[:200]}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty catalog database: SQLite in a temporary folder, or the session's PostgreSQL
    database with its schema wiped."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'catalog.sqlite3'}"
    url: str = request.getfixturevalue("postgres_database")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@dataclass
class S3Server:
    """moto's S3 over real HTTP. Its data lives in this process, so a restart keeps it."""

    port: int
    server: ThreadedMotoServer | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def config(self, bucket: str | None = None, **overrides: object) -> S3Config:
        values: dict[str, object] = {
            "endpoint": self.endpoint,
            "access_key": "sohoa-test",
            "secret_key": "sohoa-test-secret",
            "bucket": bucket or f"sohoa-{uuid.uuid4().hex[:12]}",
            "secure": False,
            "region": "us-east-1",
            "part_size": 5 * 1024 * 1024,
            "timeout": 5.0,
            "retries": 0,
        }
        values.update(overrides)
        return S3Config(**values)  # type: ignore[arg-type]


def _start(port: int) -> S3Server:
    server = S3Server(port)
    server.start()
    return server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = _start(free_port())
    yield server
    server.stop()


@pytest.fixture
def own_s3_server() -> Iterator[S3Server]:
    """A server of the test's own, which the test may stop and start (fault tests)."""
    server = _start(free_port())
    yield server
    server.stop()


@pytest.fixture
def s3_store(s3_server: S3Server) -> S3ObjectStore:
    """A store on a bucket of its own (moto keeps every bucket for the whole session)."""
    return S3ObjectStore(s3_server.config())
