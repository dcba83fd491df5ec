"""PostgreSQL full-text index (production): one tsvector per row, built here, GIN-indexed.

The vector is written as a literal, not by `to_tsvector`: PostgreSQL's parser splits words by the
server's locale and reads codes as host names or fractions, while ours must cut text exactly as
the query is cut (`models.search.tokens`). Each word is there folded (weight D), and, when its
marks differ, also as written at the same position (weight C); the dossier fields follow with
weights B (folded) and A (as written). Queries match folded lexemes; the exact ones only rank.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, TextClause, text

from models.search import IndexEntry, ParsedQuery, SearchFilters, Term, tokens
from storage.catalog.database import unavailable_as_ours
from storage.search.index import ENTRY_COLUMNS, MatchSql, SqlIndex, entry_values, filter_sql

_MAX_POSITION = 16_383  # PostgreSQL clamps positions beyond this
_MAX_POSITIONS_PER_LEXEME = 255

_INSERT = text(
    "INSERT INTO search_entries (document_id, page_number, dossier_code, agency_code, "
    "procedure_code, applicant_name, kind_code, received_on, text, tsv) "
    "VALUES (:document_id, :page_number, :dossier_code, :agency_code, :procedure_code, "
    ":applicant_name, :kind_code, :received_on, :text, CAST(:tsv AS tsvector))"
)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(entry: IndexEntry) -> str:
    """The row's tsvector in PostgreSQL's input syntax ('lexeme':1,7A …)."""
    positions: dict[str, list[str]] = defaultdict(list)

    def put(exact_text: str, folded_text: str, start: int, folded_w: str, exact_w: str) -> int:
        position = start
        for exact, folded in zip(tokens(exact_text), tokens(folded_text), strict=False):
            position = min(position + 1, _MAX_POSITION)
            for lexeme, weight in ((folded, folded_w), (exact, exact_w)):
                slots = positions[lexeme]
                if len(slots) < _MAX_POSITIONS_PER_LEXEME:
                    slots.append(f"{position}{weight}")
                if exact == folded:
                    break
        return position

    end = put(entry.text, entry.folded_text, 0, "", "C")
    # a gap, so a phrase cannot run from the page's last word into the dossier's fields
    put(entry.meta, entry.folded_meta, end + 8, "B", "A")
    return " ".join(f"{_quote(lexeme)}:{','.join(slots)}" for lexeme, slots in positions.items())


def tsquery_literal(terms: Sequence[Term], *, exact: bool) -> str:
    """Every term AND-ed; a phrase's words joined by <-> (next to each other); prefix as :*."""
    parts = []
    for term in terms:
        words = [_quote(w) for w in (term.exact if exact else term.folded)]
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def _candidates(expression: str, where: str) -> str:
    """The newest `:k` rows matching `expression` within the filters (ids and vectors).

    `e.id + 0` keeps the planner from walking the primary key backwards and testing every
    row's vector: the GIN bitmap finds the matches, a top-k sort keeps the newest, and only
    those k vectors are read again for `ts_rank` and the tiers (the costly part: detoasting)."""
    return (
        f"SELECT e.id, e.tsv FROM search_entries e WHERE e.tsv @@ CAST({expression} AS tsquery)"
        f"{where} ORDER BY e.id + 0 DESC LIMIT :k"
    )


COPY_COLUMNS = (*ENTRY_COLUMNS, "tsv")


def copy_row(entry: IndexEntry) -> tuple[Any, ...]:
    """One row for `PostgresIndex.copy`, in `COPY_COLUMNS` order (a pure function of the entry:
    a bulk load computes rows in worker processes, the vector literal being most of the cost)."""
    return (*(getattr(entry, name) for name in ENTRY_COLUMNS), tsvector_literal(entry))


class PostgresIndex(SqlIndex):
    def row(self, entry: IndexEntry) -> dict[str, Any]:
        return entry_values(entry) | {"tsv": tsvector_literal(entry)}

    def add(self, entries: Sequence[IndexEntry]) -> None:
        self.copy(copy_row(e) for e in entries)

    def copy(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Append rows with COPY (rebuilds, benchmarks): ~30 times the rate of batched INSERTs,
        which spent 8 ms a page parsing and planning the statement with its vector cast."""
        statement = f"COPY search_entries ({', '.join(COPY_COLUMNS)}) FROM STDIN"
        with unavailable_as_ours(), self.engine.begin() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)

    def insert(self) -> TextClause:
        return _INSERT

    def clear(self) -> None:
        with unavailable_as_ours(), self.engine.begin() as connection:
            connection.execute(text("TRUNCATE search_entries"))

    def match(self, query: ParsedQuery, filters: SearchFilters) -> MatchSql:
        where, params = filter_sql(filters)
        params["q"] = tsquery_literal(query.terms, exact=False)
        exact = near = "false"
        lists = [_candidates(":q", where)]
        if query.marked:
            params["x"] = tsquery_literal(query.marked, exact=True)
            exact = "c.tsv @@ CAST(:x AS tsquery)"
            lists.append(_candidates(":x", where))
        if query.phrase:
            near = "c.tsv @@ CAST(:n AS tsquery)"
            params["n"] = tsquery_literal([query.phrase], exact=False)
        return MatchSql(
            lists=tuple(
                f"SELECT c.id AS id, ts_rank(c.tsv, CAST(:q AS tsquery)) AS score, "
                f"{exact} AS exact, {near} AS near FROM ({inner}) c"
                for inner in lists
            ),
            params=params,
        )

    def prepare(self, connection: Connection) -> None:
        # a two-letter prefix ('ph':*) looks dear to the planner as a GIN partial match, so it
        # read the whole table instead (2.7 s at 100 000 pages); the GIN scan takes ~30 ms
        connection.execute(text("SET LOCAL enable_seqscan = off"))

    size_sql = "SELECT pg_total_relation_size('search_entries')"
