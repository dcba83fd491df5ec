"""The latency benchmark's bulk load (COPY, rows made in worker processes on PostgreSQL) writes
the rows the index adapter's own `add` would, and resumes an interrupted load."""

from __future__ import annotations

from sqlalchemy import text

from bench.search import entries, load
from storage.catalog.database import make_engine
from storage.search.engines import open_index
from storage.search.postgres import tsvector_literal


def test_the_bulk_load_writes_every_page_once_and_resumes(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert load(engine, 150) is not None
        assert load(engine, 150) is None  # the same count: reused, not loaded again
        assert load(engine, 320) is not None  # resumes after the first 150
        index = open_index(engine)
        assert index.stats().entries == 320
        expected = list(entries(320))
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT document_id, page_number, text FROM search_entries ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [
                (e.document_id, e.page_number, e.text) for e in expected
            ]
            if engine.dialect.name == "postgresql":
                # COPY wrote the vector the INSERT path writes, parsed by the server the same
                last = expected[-1]
                stored = connection.execute(
                    text(
                        "SELECT tsv = CAST(:v AS tsvector) FROM search_entries "
                        "ORDER BY id DESC LIMIT 1"
                    ),
                    {"v": tsvector_literal(last)},
                ).scalar_one()
                assert stored is True
    finally:
        engine.dispose()
