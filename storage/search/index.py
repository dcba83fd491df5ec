"""What every search index does, and the SQL both adapters share (filters, hits, row writing).

The index is derived data: `clear` and a rebuild from the catalog give it back at any time, so
it lives in tables Alembic creates but the catalog's model does not describe (`is_index_table`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, TextClause, text

from models.search import IndexEntry, ParsedQuery, RawHit, RawResults, SearchFilters
from storage.catalog.database import unavailable_as_ours

TABLE_PREFIX = "search_"


def is_index_table(name: str | None) -> bool:
    """Tables (and SQLite's FTS5 shadow tables) of the index, which the catalog model omits."""
    return bool(name and name.startswith(TABLE_PREFIX))


def in_catalog_model(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic `include_name` hook: compare the catalog model, not the search index's tables."""
    return not (type_ == "table" and is_index_table(name))


@dataclass(frozen=True)
class IndexStats:
    entries: int
    bytes: int
    """Disk taken by the index's tables and indexes (SQLite: pages of the search_ tables)."""


class SearchIndex(Protocol):
    engine: Engine

    def replace(self, document_ids: Sequence[str], entries: Sequence[IndexEntry]) -> None:
        """Drop every row of these papers and write `entries` instead, in one transaction."""

    def add(self, entries: Sequence[IndexEntry]) -> None:
        """Append rows (bulk load: rebuild, benchmarks); the caller guarantees no duplicates."""

    def clear(self) -> None: ...

    def search(
        self, query: ParsedQuery, filters: SearchFilters, *, limit: int, offset: int
    ) -> RawResults: ...

    def stats(self) -> IndexStats: ...


ENTRY_COLUMNS = (
    "document_id",
    "page_number",
    "dossier_code",
    "agency_code",
    "procedure_code",
    "applicant_name",
    "kind_code",
    "received_on",
    "text",
)


def entry_values(entry: IndexEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in ENTRY_COLUMNS}


def filter_sql(filters: SearchFilters) -> tuple[str, dict[str, Any]]:
    """` AND …` conditions on the entry row `e` (and dossier `d` for status), with parameters.

    Only fixed fragments are concatenated; every value is a bound parameter.
    """
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column in ("agency_code", "procedure_code", "kind_code"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"e.{column} = :f_{column}")
            params[f"f_{column}"] = value
    if filters.received_from is not None:
        clauses.append("e.received_on >= :f_from")
        params["f_from"] = filters.received_from
    if filters.received_to is not None:
        clauses.append("e.received_on <= :f_to")
        params["f_to"] = filters.received_to
    if filters.status is not None:
        # the dossier's status moves on after its pages were indexed: asked of the catalog now
        clauses.append(
            "EXISTS (SELECT 1 FROM dossiers d WHERE d.code = e.dossier_code AND d.status = :f_st)"
        )
        params["f_st"] = str(filters.status)
    return "".join(f" AND {c}" for c in clauses), params


def fetch_hits(connection: Connection, ranked: Sequence[tuple[int, float, bool]]) -> list[RawHit]:
    """The rows of the ranked ids, in rank order (fetched after ranking: only a page of them)."""
    if not ranked:
        return []
    ids = [row_id for row_id, _, _ in ranked]
    params = {f"i{n}": row_id for n, row_id in enumerate(ids)}
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    rows = connection.execute(
        text(
            "SELECT id, document_id, page_number, dossier_code, applicant_name, kind_code, text "
            f"FROM search_entries WHERE id IN ({marks})"
        ),
        params,
    ).all()
    by_id = {row.id: row for row in rows}
    return [
        RawHit(
            document_id=by_id[i].document_id,
            page_number=by_id[i].page_number,
            dossier_code=by_id[i].dossier_code,
            applicant_name=by_id[i].applicant_name,
            kind_code=by_id[i].kind_code,
            text=by_id[i].text,
            score=score,
            exact=exact,
        )
        for i, score, exact in ranked
        if i in by_id
    ]


CANDIDATES = 1_000
"""Rows each candidate list keeps (newest first), and the cap of an exact total.

Ranking every match cost a second at 10 000 matches (BM25 or `ts_rank` reads each row's sizes
or vector); the newest thousand are ranked instead, which a page of 20 never notices unless a
query matches more than a thousand pages. Beyond that the total is "at least 1 000"."""


@dataclass(frozen=True)
class MatchSql:
    """A dialect's candidate lists for one search. Each statement returns at most `:k` rows
    (`id`, `score`, `exact`, `near`), the newest matches first; the first list is every match,
    the others (typed marks, words side by side) bring older rows of the higher tiers."""

    lists: tuple[str, ...]
    params: dict[str, Any]


@dataclass
class _Candidate:
    score: float | None
    exact: bool
    near: bool


def rank(rows: Sequence[Sequence[Any]]) -> list[tuple[int, float, bool]]:
    """Candidates from every list, merged (a row's flags OR-ed, its score from the list that
    scores it) and ordered: marks as typed, then words side by side, then score (unscored rows
    last in their tier, newest first); the id breaks ties."""
    merged: dict[int, _Candidate] = {}
    for row_id, score, exact, near in rows:
        value = None if score is None else float(score)
        seen = merged.get(int(row_id))
        if seen is None:
            merged[int(row_id)] = _Candidate(value, bool(exact), bool(near))
        else:
            seen.exact, seen.near = seen.exact or bool(exact), seen.near or bool(near)
            seen.score = value if seen.score is None else seen.score
    order = sorted(
        merged.items(),
        key=lambda c: (
            -c[1].exact,
            -c[1].near,
            c[1].score is None,
            -(c[1].score or 0.0),
            -c[0] if c[1].score is None else c[0],
        ),
    )
    return [(row_id, c.score or 0.0, c.exact) for row_id, c in order]


class SqlIndex:
    """What both dialects share: writing rows in one transaction, paging, counting, fetching."""

    size_sql: str
    """Bytes on disk of the index's tables and indexes, in the dialect's own terms."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def row(self, entry: IndexEntry) -> dict[str, Any]:
        raise NotImplementedError

    def insert(self) -> TextClause:
        raise NotImplementedError

    def match(self, query: ParsedQuery, filters: SearchFilters) -> MatchSql:
        raise NotImplementedError

    def prepare(self, connection: Connection) -> None:
        """Session settings a search needs (PostgreSQL: plans that use the index)."""

    def replace(self, document_ids: Sequence[str], entries: Sequence[IndexEntry]) -> None:
        with unavailable_as_ours(), self.engine.begin() as connection:
            for document_id in document_ids:
                connection.execute(
                    text("DELETE FROM search_entries WHERE document_id = :d"), {"d": document_id}
                )
            if entries:
                connection.execute(self.insert(), [self.row(e) for e in entries])

    def add(self, entries: Sequence[IndexEntry]) -> None:
        self.replace((), entries)

    def search(
        self, query: ParsedQuery, filters: SearchFilters, *, limit: int, offset: int
    ) -> RawResults:
        sql = self.match(query, filters)
        cap = max(CANDIDATES, offset + limit)
        params = sql.params | {"k": cap + 1}  # one more than the cap: is there more?
        with unavailable_as_ours(), self.engine.connect() as connection:
            self.prepare(connection)
            found = [connection.execute(text(s), params).all() for s in sql.lists]
            # every match is in the first list, up to the cap: within it, the exact total
            total, exact_total = min(len(found[0]), cap), len(found[0]) <= cap
            ranked = rank([tuple(r) for rows in found for r in rows])
            hits = fetch_hits(connection, ranked[offset : offset + limit])
        return RawResults(total=total, hits=hits, total_exact=exact_total)

    def stats(self) -> IndexStats:
        with unavailable_as_ours(), self.engine.connect() as connection:
            entries = connection.execute(text("SELECT count(*) FROM search_entries")).scalar_one()
            size = connection.execute(text(self.size_sql)).scalar_one()
        return IndexStats(entries=int(entries), bytes=int(size))


def open_index(engine: Engine) -> SearchIndex:
    """FTS5 for SQLite, full text for PostgreSQL: the same API, chosen by the URL's dialect."""
    if engine.dialect.name == "sqlite":
        from storage.search.sqlite import SqliteIndex

        return SqliteIndex(engine)
    if engine.dialect.name == "postgresql":
        from storage.search.postgres import PostgresIndex

        return PostgresIndex(engine)
    raise ValueError(f"no search index for the {engine.dialect.name} dialect")
