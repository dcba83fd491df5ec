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


def _candidates(expression: str, score: str, exact: str, near: str, where: str) -> str:
    """The newest `:k` rows matching `expression` within the filters, BM25 on those only.

    FTS5 yields matches by rowid, so `ORDER BY rowid DESC LIMIT` stops after k rows and bm25
    (a docsize read per row) runs k times, not once per match; CROSS JOIN keeps the FTS scan
    outside, and the filters read the narrow `search_scope` table, not 4 KB text rows.
    Each bm25 statement first counts every phrase's rows across the index (its IDF): ~20 ms
    for common words at 100 000 pages, so only the main list is scored. A row of a subset
    list (marks, phrase) is in the main list too if it is among its newest k, with its score;
    the flags of the main list's rows are exact. Older subset rows rank unscored in their tier.
    """
    return (
        f"SELECT f.rowid AS id, {score} AS score, {exact} AS exact, {near} AS near "
        "FROM search_fts f CROSS JOIN search_scope e ON e.id = f.rowid "
        f"WHERE search_fts MATCH {expression}{where} ORDER BY f.rowid DESC LIMIT :k"
    )


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
        folded = match_expression(query.terms, exact=False)
        params["q"] = folded
        lists = [_candidates(":q", _SCORE, "0", "0", where)]
        if query.marked:
            params["x"] = f"({folded}) AND ({match_expression(query.marked, exact=True)})"
            lists.append(_candidates(":x", "NULL", "1", "0", where))
        if query.phrase:
            params["n"] = f"({folded}) AND ({match_expression([query.phrase], exact=False)})"
            lists.append(_candidates(":n", "NULL", "0", "1", where))
        return MatchSql(lists=tuple(lists), params=params)

    # the FTS5 shadow tables are named search_fts_*: every page of the index is counted
    size_sql = (
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat "
        "WHERE name LIKE 'search%' OR name LIKE 'ix_search%'"
    )
