"""Engines for the catalog: SQLite (WAL) by default, PostgreSQL by URL; errors mapped to ours.

Statement parameters are hidden from SQLAlchemy's logs and error messages (`hide_parameters`):
they are names and ID numbers, and an error's message ends up in a log line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.errors import StoreUnavailable


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while a worker writes; NORMAL sync is durable at each commit in WAL
    # except for power loss, so we keep FULL: a 2xx promises the scan is recorded.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def unavailable_as_ours() -> Iterator[None]:
    """Turn 'cannot reach the database' into StoreUnavailable (HTTP 503, retry later)."""
    try:
        yield
    except OperationalError as exc:
        raise StoreUnavailable(
            "Cơ sở dữ liệu tạm thời không truy cập được, vui lòng thử lại",
            detail=str(exc.orig)[:300] if exc.orig else None,
        ) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailable(detail="database connection lost") from exc
        raise


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
