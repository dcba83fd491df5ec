"""SQLite FTS5 index (the embedded default): exact and folded text in one FTS5 table.

`search_entries` holds the rows; the FTS5 table `search_fts` indexes four of its columns
(external content, kept in step by triggers): the text and metadata as written, tokenised with
marks kept, and their folded copies. Matching uses the folded columns, so "nguyen" finds
"NGUYỄN"; a second MATCH on the exact columns puts pages with the typed marks first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, TextClause, text

from models.search import IndexEntry, ParsedQuery, SearchFilters, Term
from storage.catalog.database import unavailable_as_ours
from storage.search.index import (
    NEAR_WINDOW,
    Candidates,
    SqlIndex,
    Tier,
    entry_values,
    filter_sql,
)

_INSERT = text(
    "INSERT INTO search_entries (document_id, page_number, dossier_code, agency_code, "
    "procedure_code, applicant_name, kind_code, received_on, text, folded, meta, meta_folded) "
    "VALUES (:document_id, :page_number, :dossier_code, :agency_code, :procedure_code, "
    ":applicant_name, :kind_code, :received_on, :text, :folded, :meta, :meta_folded)"
)


def _phrase(words: Sequence[str], prefix: bool) -> str:
    # words are letters and digits only (models.search.TOKEN): nothing to escape, no operator
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


FOLDED = "{folded meta_folded}"
EXACT = "{text meta}"


def match_expression(terms: Sequence[Term], *, columns: str | None = FOLDED) -> str:
    """An FTS5 query: every term, as a quoted phrase, in `columns` (the exact ones take the
    words as typed, the others their folded form; None: the table's only column)."""
    phrases = [_phrase(t.exact if columns == EXACT else t.folded, t.prefix) for t in terms]
    matched = " AND ".join(phrases)
    return matched if columns is None else f"{columns} : ({matched})"


_NEWEST = (
    "SELECT f.rowid FROM {table} f CROSS JOIN search_scope e ON e.id = f.rowid "
    "WHERE {table} MATCH :m{where} ORDER BY f.rowid DESC LIMIT :k"
)
"""The newest `:k` rows of an FTS5 table matching `:m` within the filters.

FTS5 yields matches by rowid, so `ORDER BY rowid DESC LIMIT` stops after k rows: cheap when
matches are dense, but a test that few matching rows pass (a phrase, a column) reads every
row holding the words, hence the fields' own index and the window of the side-by-side list.
CROSS JOIN keeps the FTS scan outside, and the filters read the narrow `search_scope` table."""


def _newest(
    connection: Connection,
    table: str,
    expression: str,
    filters: SearchFilters,
    k: int,
    lowest: int | None = None,
) -> list[int]:
    where, params = filter_sql(filters)
    if lowest is not None:
        where, params = where + " AND f.rowid >= :lowest", params | {"lowest": lowest}
    statement = text(_NEWEST.format(table=table, where=where))
    return list(connection.scalars(statement, params | {"m": expression, "k": k}))


class SqliteIndex(SqlIndex):
    near_beside_main = True

    def row(self, entry: IndexEntry) -> dict[str, Any]:
        return entry_values(entry) | {
            "folded": entry.folded_text,
            "meta": entry.meta,
            "meta_folded": entry.folded_meta,
        }

    def insert(self) -> TextClause:
        return _INSERT

    def clear(self) -> None:
        with unavailable_as_ours(), self.engine.begin() as connection:
            connection.execute(text("DELETE FROM search_entries"))
            for table in ("search_fts", "search_fields"):
                connection.execute(text(f"INSERT INTO {table}({table}) VALUES ('rebuild')"))

    def main_list(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[int]:
        return _newest(connection, "search_fts", match_expression(query.terms), filters, k)

    def tier_lists(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[Candidates]:
        lists = []
        if query.marked:
            # a marked term as typed (its exact columns), an unmarked one folded: a page with
            # "Dương" has "duong" too, so this needs no second copy of the folded terms
            unmarked = [t for t in query.terms if not t.has_marks]
            exact = match_expression(query.marked, columns=EXACT)
            if unmarked:
                exact = f"({exact}) AND ({match_expression(unmarked)})"
            lists.append(
                Candidates(_newest(connection, "search_fts", exact, filters, k), Tier.EXACT)
            )
        fields = match_expression(query.terms, columns=None)
        lists.append(
            Candidates(_newest(connection, "search_fields", fields, filters, k), Tier.FIELDS)
        )
        if query.phrase:  # side by side in the fields, at any age
            phrase = match_expression([query.phrase], columns=None)
            found = _newest(connection, "search_fields", phrase, filters, k)
            lists.append(Candidates(found, Tier.NEAR))
        return lists

    def near_list(
        self,
        connection: Connection,
        query: ParsedQuery,
        filters: SearchFilters,
        k: int,
        found: Sequence[Candidates],
        page_end: int,
    ) -> Candidates | None:
        """Side by side in the page text, among the main list's newest `NEAR_WINDOW` rows (and
        any newer row of another agency, which the filter drops): beyond them, finding the few
        pages with the words in a row reads the positions of every page holding them. Older
        pages with the words side by side in their fields are found by `tier_lists`."""
        if query.phrase is None or not found[0].ids:
            return None
        folded = match_expression(query.terms)
        in_text = f"({folded}) AND ({match_expression([query.phrase])})"
        main = found[0].ids
        lowest = main[min(len(main), NEAR_WINDOW) - 1]
        return Candidates(_newest(connection, "search_fts", in_text, filters, k, lowest), Tier.NEAR)

    # the FTS5 shadow tables are named search_fts_*: every page of the index is counted
    size_sql = (
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
        "WHERE name LIKE 'search%' OR name LIKE 'ix_search%'"
    )
