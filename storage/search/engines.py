"""Which index a catalog gets: SQLite FTS5 or PostgreSQL full text, by the URL's dialect.

Its own module: `index.py` holds what both engines share, and the engines import it; the
choice between them importing them back made the base and its engines one tangle.
"""

from __future__ import annotations

from sqlalchemy import Engine

from storage.search.index import SearchIndex
from storage.search.postgres import PostgresIndex
from storage.search.sqlite import SqliteIndex


def open_index(engine: Engine) -> SearchIndex:
    """FTS5 for SQLite, full text for PostgreSQL: the same API, chosen by the URL's dialect."""
    if engine.dialect.name == "sqlite":
        return SqliteIndex(engine)
    if engine.dialect.name == "postgresql":
        return PostgresIndex(engine)
    raise ValueError(f"no search index for the {engine.dialect.name} dialect")
