"""Revision 0004f moves PostgreSQL's index rows into partitions by agency: nothing is lost either
way, searches answer as before, and an officer's search reads one partition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, event, text

from bench.search import OFFICER, entries, queries
from models.search import SearchFilters
from services.search_text import parse_query
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.search import postgres, postgres_plan
from storage.search.postgres import PostgresIndex

BEFORE = "0004e_search_speed"
PAGES = 300
AGENCY = OFFICER.principal.agency_code


@pytest.fixture
def engine(postgres_database: str) -> Iterator[Engine]:
    """The index as it was before partitions, holding PAGES rows."""
    engine = make_engine(postgres_database)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine, BEFORE)
    PostgresIndex(engine).add(list(entries(PAGES)))
    yield engine
    engine.dispose()


def _downgrade(engine: Engine, revision: str) -> None:
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _rows(connection: Connection) -> list[tuple[object, ...]]:
    found = connection.execute(
        text(
            "SELECT id, document_id, page_number, agency_code, text, tsv::text "
            "FROM search_entries ORDER BY id"
        )
    )
    return [tuple(row) for row in found]


def _partitions(connection: Connection) -> int:
    return int(
        connection.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'search_entries'::regclass")
        ).scalar_one()
    )


def _answers(engine: Engine) -> list[list[tuple[str, int]]]:
    index = PostgresIndex(engine)
    qs = [q for kind in queries(PAGES).values() for q in kind[:2]]
    return [
        [
            (hit.document_id, hit.page_number)
            for hit in index.search(
                parse_query(q), SearchFilters(agency_code=AGENCY), limit=20, offset=0
            ).hits
        ]
        for q in qs
    ]


def test_upgrading_moves_every_row_into_its_agencys_partition(engine: Engine) -> None:
    with engine.connect() as connection:
        before = _rows(connection)
    answers = _answers(engine)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert _rows(connection) == before
        assert _partitions(connection) == 16
        spread = connection.execute(
            text("SELECT agency_code, count(DISTINCT tableoid) FROM search_entries GROUP BY 1")
        ).all()
    assert len(spread) == 3 and all(partitions == 1 for _, partitions in spread)
    assert _answers(engine) == answers
    # the id sequence went along: a new row comes after the moved ones
    PostgresIndex(engine).add(list(entries(PAGES + 1))[-1:])
    with engine.connect() as connection:
        newest = connection.execute(text("SELECT max(id) FROM search_entries")).scalar_one()
    assert newest == max(int(str(row[0])) for row in before) + 1


def test_an_officers_search_reads_one_partition(engine: Engine) -> None:
    migrate.upgrade(engine)
    sql = "EXPLAIN " + postgres._GIN.format(where=" AND e.agency_code = :f_agency_code")
    with engine.connect() as connection:
        plan = "\n".join(
            connection.scalars(text(sql), {"f_agency_code": AGENCY, "t": "'nguyen'", "k": 10})
        )
    scanned = {word for word in plan.split() if word.startswith("search_entries_p")}
    assert len(scanned) == 1, plan


def test_every_statement_of_an_officers_search_reads_one_partition(engine: Engine) -> None:
    migrate.upgrade(engine)
    postgres_plan._cache.clear()  # its queries too
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM search_entries" in statement:
            statements.append((statement, parameters))

    q = parse_query(queries(PAGES)["name with marks"][0])  # main, marks, fields, side by side
    event.listen(engine, "before_cursor_execute", keep)
    try:
        found = PostgresIndex(engine).search(
            q, SearchFilters(agency_code=AGENCY), limit=20, offset=0
        )
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert found.hits and len(statements) >= 4
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(str(row[0]) for row in cursor.fetchall())
            scanned = {w for w in plan.split() if w.startswith("search_entries_p")}
            assert len(scanned) == 1, (statement, plan)
    finally:
        raw.close()


def test_downgrading_gives_one_table_back(engine: Engine) -> None:
    with engine.connect() as connection:
        before = _rows(connection)
    migrate.upgrade(engine)
    _downgrade(engine, BEFORE)
    with engine.connect() as connection:
        assert _rows(connection) == before
        assert _partitions(connection) == 0
    migrate.upgrade(engine)  # and up again
    with engine.connect() as connection:
        assert _rows(connection) == before
