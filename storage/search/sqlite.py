"""SQLite FTS5 index (the embedded default): exact and folded text in one FTS5 table.

`search_entries` holds the rows; the FTS5 table `search_fts` indexes four of its columns
(external content, kept in step by triggers): the text and metadata as written, tokenised with
marks kept, and their folded copies. Matching uses the folded columns, so "nguyen" finds
"NGUYỄN"; a second MATCH on the exact columns puts pages with the typed marks first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import TextClause, text

from models.search import IndexEntry, ParsedQuery, SearchFilters, Term
from storage.catalog.database import unavailable_as_ours
from storage.search.index import MatchSql, SqlIndex, entry_values, filter_sql

# bm25 weights of (text, folded, meta, meta_folded): only folded columns are matched; a hit in
# the dossier's own fields (applicant name, ID, code) weighs more than one in running text.
# bm25 is lower-is-better and negative: negated so that, as everywhere, higher is better.
_SCORE = "-bm25(search_fts, 0.0, 1.0, 0.0, 5.0)"

_INSERT = text(
    "INSERT INTO search_entries (document_id, page_number, dossier_code, agency_code, "
    "procedure_code, applicant_name, kind_code, received_on, text, folded, meta, meta_folded) "
    "VALUES (:document_id, :page_number, :dossier_code, :agency_code, :procedure_code, "
    ":applicant_name, :kind_code, :received_on, :text, :folded, :meta, :meta_folded)"
)


def _phrase(words: Sequence[str], prefix: bool) -> str:
    # words are letters and digits only (models.search.TOKEN): nothing to escape, no operator
    return '"' + " ".join(words) + '"' + (" *" if prefix else "")


def match_expression(terms: Sequence[Term], *, exact: bool) -> str:
    """An FTS5 query: every term, as a quoted phrase, in the folded (or exact) columns."""
    columns = "{text meta}" if exact else "{folded meta_folded}"
    phrases = [_phrase(t.exact if exact else t.folded, t.prefix) for t in terms]
    return f"{columns} : ({' AND '.join(phrases)})"


class SqliteIndex(SqlIndex):
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
            connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))

    def match(self, query: ParsedQuery, filters: SearchFilters) -> MatchSql:
        where, params = filter_sql(filters)
        params["q"] = match_expression(query.terms, exact=False)
        exact = "0"
        if query.marked:
            exact = "m.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :x)"
            params["x"] = match_expression(query.marked, exact=True)
        near = "0"
        if query.phrase:
            near = "m.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :n)"
            params["n"] = match_expression([query.phrase], exact=False)
        matched = (
            f"WITH m AS (SELECT rowid AS id, {_SCORE} AS score FROM search_fts "
            "WHERE search_fts MATCH :q) "
        )
        return MatchSql(
            ranked=matched + f"SELECT m.id AS id, m.score AS score, {exact} AS exact, "
            f"{near} AS near, count(*) OVER () AS total "
            f"FROM m JOIN search_entries e ON e.id = m.id WHERE 1 = 1{where}",
            count=matched
            + f"SELECT count(*) FROM m JOIN search_entries e ON e.id = m.id WHERE 1 = 1{where}",
            params=params,
        )

    # the FTS5 shadow tables are named search_fts_*: every page of the index is counted
    size_sql = (
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
        "WHERE name LIKE 'search%' OR name LIKE 'ix_search%'"
    )
