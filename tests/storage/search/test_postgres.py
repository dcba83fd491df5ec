"""The PostgreSQL index finds the newest matches two ways, by GIN or by walking the scope's rows
newest first; both must give the same answer, and the walk must really be a walk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from bench.search import OFFICER, entries, queries
from models.search import SearchFilters
from services.search_text import parse_query
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.search import index as search_index
from storage.search import postgres, postgres_plan
from storage.search.postgres import PostgresIndex

PAGES = 900
AGENCY = OFFICER.principal.agency_code


@pytest.fixture(scope="module")
def engine(postgres_database: str) -> Iterator[Engine]:
    engine = make_engine(postgres_database)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    PostgresIndex(engine).add(list(entries(PAGES)))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE search_entries"))
    yield engine
    engine.dispose()


Answer = tuple[str, int, bool, list[tuple[str, float]]]


def _answers(engine: Engine, qs: list[str], filters: SearchFilters) -> list[Answer]:
    index = PostgresIndex(engine)
    out: list[Answer] = []
    for q in qs:
        found = index.search(parse_query(q), filters, limit=30, offset=0)
        out.append(
            (q, found.total, found.total_exact, [(h.document_id, h.score) for h in found.hits])
        )
    return out


QUERIES = [q for kind in queries(PAGES).values() for q in kind[:3]] + ["nguyen", "ng*", "van"]


def _forced(walking: bool, budget: int = 100_000) -> Callable[..., int | None]:
    """`postgres_plan.walk_budget` replaced: always walk (that many rows at most), or never."""
    return lambda parts, stats, k: budget if walking else None


@pytest.mark.parametrize("agency", [AGENCY, None])
def test_every_way_gives_the_same_hits(
    engine: Engine, agency: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "CANDIDATES", 40)  # many queries match more than that
    filters = SearchFilters(agency_code=agency)
    monkeypatch.setattr(postgres, "walk_budget", _forced(False))
    by_gin = _answers(engine, QUERIES, filters)
    monkeypatch.setattr(postgres, "walk_budget", _forced(True))
    assert _answers(engine, QUERIES, filters) == by_gin
    assert any(not exact for _, _, exact, _ in by_gin)  # some answers were cut at the cap
    # walks that fall short and go on below their oldest match, or end in GIN
    monkeypatch.setattr(postgres, "walk_budget", _forced(True, budget=50))
    assert _answers(engine, QUERIES, filters) == by_gin


def test_a_walk_short_by_less_than_half_goes_on_instead_of_asking_gin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    k = 41
    with engine.connect() as connection:
        # the newest k matches of a common word, and how many rows a walk reads to find them
        ids = list(
            connection.scalars(
                text(
                    "SELECT id FROM search_entries WHERE tsv @@ 'nguyen'::tsquery "
                    "ORDER BY id DESC LIMIT :k"
                ),
                {"k": k},
            )
        )
        needed = connection.scalar(
            text("SELECT count(*) FROM search_entries WHERE id >= :low"), {"low": ids[-1]}
        )
    assert len(ids) == k
    # a budget two rows short: the first walk finds k - 1 or k - 2 of them
    monkeypatch.setattr(postgres, "walk_budget", _forced(True, budget=int(needed) - 2))
    event.listen(engine, "before_cursor_execute", keep)
    try:
        with engine.connect() as connection:
            found = postgres._newest(
                connection, postgres.tsquery_parts(parse_query("nguyen").terms), SearchFilters(), k
            )
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert found == ids
    assert sum("ts_match_vq" in s for s in statements) == 2
    assert not any("@@" in s for s in statements)  # no GIN


def test_a_walk_that_falls_short_is_answered_by_gin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = parse_query(queries(PAGES)["personal ID"][0])  # one dossier's pages match
    # walks k rows: cannot find k matches
    monkeypatch.setattr(postgres, "walk_budget", _forced(True, budget=1))
    found = PostgresIndex(engine).search(q, SearchFilters(), limit=20, offset=0)
    assert found.total >= 1 and found.hits


def test_the_walk_reads_the_scope_newest_first_without_gin(engine: Engine) -> None:
    where = " AND e.agency_code = :f_agency_code"
    sql = "EXPLAIN " + postgres._WALK.format(where=where)
    args = {"f_agency_code": AGENCY, "t": "'nguyen'", "k": 10, "budget": 80}
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(connection.scalars(text(sql), args))
    # the agency's index or the primary key, whichever the planner prefers: newest first
    assert "Index Scan Backward using" in plan
    assert "Bitmap" not in plan and "ix_search_entries_tsv" not in plan


def test_the_statistics_tell_common_words_from_rare_ones(engine: Engine) -> None:
    postgres_plan._cache.clear()
    with engine.connect() as connection:
        stats = postgres_plan.lexeme_stats(connection)
    assert stats is not None and stats.rows == pytest.approx(PAGES, rel=0.1)
    rare = queries(PAGES)["personal ID"][0]
    # a word outside the most common is guessed at half the least common one's share
    assert stats.share(rare) * 4 < stats.share("nguyen") <= 1.0
    assert stats.share("ng", prefix=True) >= stats.share("nguyen")
    assert stats.share("^ng") >= stats.share("nguyen")  # the start of "nguyen", "ngày"…


def test_a_query_cannot_ask_for_the_fields_marker() -> None:
    # the FIELDS tier's lexemes start with "@": query words are letters and digits only
    literal = postgres.tsquery_literal(parse_query("@nguyen van").terms)
    assert "@" not in literal


def test_an_agencys_statistics_are_its_partitions(engine: Engine) -> None:
    postgres_plan._cache.clear()
    with engine.connect() as connection:
        own = postgres_plan.lexeme_stats(connection, AGENCY)
        whole = postgres_plan.lexeme_stats(connection)
        nobody = postgres_plan.lexeme_stats(connection, "000.00.99.X00")
        rows = connection.execute(
            text(
                "SELECT count(*) FROM search_entries WHERE tableoid = "
                "(SELECT tableoid FROM search_entries WHERE agency_code = :a LIMIT 1)"
            ),
            {"a": AGENCY},
        ).scalar_one()
    assert own is not None and whole is not None
    assert own.rows == pytest.approx(rows, rel=0.1) and own.rows < whole.rows
    assert nobody is None  # no rows, no statistics: GIN answers (with nothing)


def test_side_by_side_is_tested_only_until_the_page_is_settled(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tested: list[int] = []
    original = PostgresIndex._side_by_side

    def counting(self: PostgresIndex, *args: Any) -> Any:
        tested.append(len(args[-1]))
        return original(self, *args)

    monkeypatch.setattr(PostgresIndex, "_side_by_side", counting)
    index = PostgresIndex(engine)
    pages = [(10, 0), (10, 10), (30, 0)]

    def answers() -> list[list[tuple[str, int, float]]]:
        return [
            [
                (h.document_id, h.page_number, h.score)
                for h in index.search(
                    parse_query(q), SearchFilters(agency_code=agency), limit=limit, offset=offset
                ).hits
            ]
            for q in QUERIES
            for agency in (AGENCY, None)
            for limit, offset in pages
        ]

    monkeypatch.setattr(postgres, "NEAR_FIRST_PAGES", 10**6)  # every candidate, one statement
    every = answers()
    every_tested = sum(tested)
    tested.clear()
    monkeypatch.setattr(postgres, "NEAR_FIRST_PAGES", 2)
    assert answers() == every
    assert sum(tested) < every_tested  # at a million pages, a few dozen rows instead of 600


def test_a_page_is_settled_when_no_open_candidate_can_beat_its_last_hit() -> None:
    final = [(7, 50), (7, 40), (1, 90), (0, 99)]
    assert postgres.settled(final, 2, (6, 100))  # (7, 40) beats anything of tier 6
    assert not postgres.settled(final, 2, (7, 45))  # a 7 newer than the page's last
    assert postgres.settled(final, 3, (1, 80)) and not postgres.settled(final, 3, (1, 95))
    assert not postgres.settled(final, 5, (0, 1))  # fewer final hits than the page holds
