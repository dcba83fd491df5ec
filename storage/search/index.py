"""What every search index does, and the SQL both adapters share (filters, hits, row writing).

The index is derived data: `clear` and a rebuild from the catalog give it back at any time, so
it lives in tables Alembic creates but the catalog's model does not describe (`is_index_table`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntFlag
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


class Tier(IntFlag):
    """What lifts a hit above the plain matches. Hits are ordered by their tiers (the sum of
    these flags: marks as typed before words side by side before the dossier's fields), then
    newest first. No engine score (BM25, `ts_rank`) is used: each read every candidate's sizes
    or vector, and on the relevance set the fields tier does their work (docs/search.md)."""

    PLAIN = 0
    FIELDS = 1
    """Every term in the dossier's own fields (code, procedure, applicant, ID, paper owner…)."""
    NEAR = 2
    """All the query's words side by side, in order (a name typed without quotes)."""
    EXACT = 4
    """The words with the marks as typed ("Hà", not "Ha" or "Hạ")."""


@dataclass(frozen=True)
class Candidates:
    """Ids of matching rows, newest first, at most the cap + 1, and the tier each earns."""

    ids: Sequence[int]
    tier: Tier


def merged_tiers(lists: Sequence[Candidates]) -> dict[int, Tier]:
    """Every candidate once, with the tiers of all the lists it is in."""
    tiers: dict[int, Tier] = {}
    for found in lists:
        for row_id in found.ids:
            tiers[row_id] = tiers.get(row_id, Tier.PLAIN) | found.tier
    return tiers


def rank(lists: Sequence[Candidates]) -> list[tuple[int, Tier]]:
    """Every candidate once, with its tiers, ordered: highest tiers first, then newest
    (highest id) first."""
    return sorted(merged_tiers(lists).items(), key=lambda item: (-item[1], -item[0]))


def agency_scope(filters: SearchFilters) -> tuple[str, dict[str, Any]]:
    """` AND agency_code = :agency` for a statement on ids already within the filters: said
    again for PostgreSQL's planner, which then reads the agency's partition instead of probing
    all sixteen."""
    if filters.agency_code is None:
        return "", {}
    return " AND agency_code = :agency", {"agency": filters.agency_code}


def fetch_hits(
    connection: Connection, ranked: Sequence[tuple[int, Tier]], filters: SearchFilters
) -> list[RawHit]:
    """The rows of the ranked ids, in rank order (fetched after ranking: only a page of them)."""
    if not ranked:
        return []
    ids = [row_id for row_id, _ in ranked]
    scope, params = agency_scope(filters)
    params |= {f"i{n}": row_id for n, row_id in enumerate(ids)}
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    rows = connection.execute(
        text(
            "SELECT id, document_id, page_number, dossier_code, applicant_name, kind_code, text "
            f"FROM search_entries WHERE id IN ({marks}){scope}"
        ),
        params,
    ).all()
    by_id = {row.id: row for row in rows}
    hits = [
        RawHit(
            document_id=by_id[i].document_id,
            page_number=by_id[i].page_number,
            dossier_code=by_id[i].dossier_code,
            applicant_name=by_id[i].applicant_name,
            kind_code=by_id[i].kind_code,
            text=by_id[i].text,
            score=float(tier),
            exact=bool(tier & Tier.EXACT),
        )
        for i, tier in ranked
        if i in by_id
    ]
    # newest first puts a paper's last page first: a run of one paper's pages in one tier is
    # shown in page order instead (the run stays where it was, so paging is unchanged)
    runs = itertools.groupby(hits, key=lambda h: (h.score, h.dossier_code, h.document_id))
    return [hit for _, run in runs for hit in sorted(run, key=lambda h: h.page_number)]


NEAR_WINDOW = 200
"""Newest rows of a candidate list tested for the words side by side in the page text (the
test reads positions, or on PostgreSQL the whole vector, of each row)."""

CANDIDATES = 200
"""Rows each candidate list keeps (newest first), and the cap of an exact total.

A query matching more than 200 pages is ranked among its newest 200 matches and the newest 200
of each tier's own list; beyond that the total is "at least 200" (ten pages of hits: an
officer narrows the search with a filter or a longer name rather than reading further).

Why 200 and not 1 000 (until 2026-11-22): every list must find this many matches, so a common
name's count costs k / share rows walked or every match visited. At a million pages (one
partition of a third of them) a name held by one page in ten took 40-90 ms a list at 1 000
and ~10 at 200; p95 of the benchmark's names went from 78-117 ms to under 70 (docs/search.md).
Paging past 200 still works: the lists then keep `offset + limit` rows."""


class SqlIndex:
    """What both dialects share: writing rows in one transaction, paging, counting, fetching."""

    size_sql: str
    """Bytes on disk of the index's tables and indexes, in the dialect's own terms."""
    near_beside_main = False
    """`near_list` needs only the main list: it runs on the main list's connection, after it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # an in-memory SQLite database is one per connection: no second connection beside it
        self.beside = engine.url.database not in (None, "", ":memory:")

    def row(self, entry: IndexEntry) -> dict[str, Any]:
        raise NotImplementedError

    def insert(self) -> TextClause:
        raise NotImplementedError

    def main_list(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[int]:
        """The newest `k` matches within the filters, newest first: every match when there
        are fewer (its length is then the total)."""
        raise NotImplementedError

    def tier_lists(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[Candidates]:
        """The tiers' own lists that need nothing of the main list (they run beside it)."""
        raise NotImplementedError

    def near_list(
        self,
        connection: Connection,
        query: ParsedQuery,
        filters: SearchFilters,
        k: int,
        found: Sequence[Candidates],
        page_end: int,
    ) -> Candidates | None:
        """The words side by side (`Tier.NEAR`), knowing the lists `found` (main first); the
        hits asked for end at rank `page_end` (offset + limit): candidates that cannot reach
        it need not be tested."""
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
        cap = max(CANDIDATES, offset + limit)
        k = cap + 1  # one more than the cap: is there more?
        # the main list on a second connection, beside the tiers' lists: each is one engine
        # statement that does not hold the GIL, so a search uses both cores of a quiet server
        with unavailable_as_ours(), ThreadPoolExecutor(1) as beside:
            page_end = offset + limit
            side = (
                beside.submit(self._main_side, query, filters, k, page_end) if self.beside else None
            )
            with self.engine.connect() as connection:
                self.prepare(connection)
                tiers = self.tier_lists(connection, query, filters, k)
                main, near = side.result() if side else self._main_side(query, filters, k, page_end)
                lists = [main, *tiers]
                if not self.near_beside_main:
                    near = self.near_list(connection, query, filters, k, lists, page_end)
                lists += [near] if near is not None else []
                # every match is in the main list, up to the cap: within it, the exact total
                total, exact_total = min(len(main.ids), cap), len(main.ids) <= cap
                hits = fetch_hits(connection, rank(lists)[offset : offset + limit], filters)
        return RawResults(total=total, hits=hits, total_exact=exact_total)

    def _main_side(
        self, query: ParsedQuery, filters: SearchFilters, k: int, page_end: int
    ) -> tuple[Candidates, Candidates | None]:
        """The main list, and the side-by-side list when it needs only the main list."""
        with unavailable_as_ours(), self.engine.connect() as connection:
            self.prepare(connection)
            main = Candidates(self.main_list(connection, query, filters, k), Tier.PLAIN)
            if not self.near_beside_main:
                return main, None
            return main, self.near_list(connection, query, filters, k, [main], page_end)

    def stats(self) -> IndexStats:
        with unavailable_as_ours(), self.engine.connect() as connection:
            entries = connection.execute(text("SELECT count(*) FROM search_entries")).scalar_one()
            size = connection.execute(text(self.size_sql)).scalar_one()
        return IndexStats(entries=int(entries), bytes=int(size))
