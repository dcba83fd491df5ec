"""PostgreSQL full-text index (production): one tsvector per row, built here, GIN-indexed.

The vector is written as a literal, not by `to_tsvector`: PostgreSQL's parser splits words by the
server's locale and reads codes as host names or fractions, while ours must cut text exactly as
the query is cut (`models.search.tokens`). Each word is there folded and, when its marks differ,
also as written at the same position; the dossier's fields follow the page's words, and each of
their folded words is there a third time marked `@` (`@nguyen`), so that "every word in the
dossier's fields" is a plain GIN lookup (the `FIELDS` tier). A query's words are letters and
digits only: it can never ask for an `@` lexeme itself.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, TextClause, text

from models.search import IndexEntry, ParsedQuery, SearchFilters, Term, tokens
from storage.catalog.database import unavailable_as_ours
from storage.search.index import (
    ENTRY_COLUMNS,
    NEAR_WINDOW,
    Candidates,
    SqlIndex,
    Tier,
    agency_scope,
    entry_values,
    filter_sql,
    merged_tiers,
)
from storage.search.postgres_plan import Part, lexeme_stats, walk_budget

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


FIELD_MARK = "@"
"""Prefix of the lexemes of the dossier's fields (never a character of a query's word)."""
START_MARK = "^"
"""Prefix of the lexemes that stand for a word's first two letters (`^ph` for "phường"): a
two-letter prefix query ("ph*") is one posting list instead of the union of hundreds of words'
lists (250–500 ms at a million pages). They carry no position: a prefix at the end of a phrase
("nguyen van ph*") is still matched by PostgreSQL's own `:*` against the words."""
START_CHARS = 2


def tsvector_literal(entry: IndexEntry) -> str:
    """The row's tsvector in PostgreSQL's input syntax ('lexeme':1,7 …)."""
    positions: dict[str, list[str]] = defaultdict(list)

    def put(exact_text: str, folded_text: str, start: int, *, field: bool) -> int:
        position = start
        for exact, folded in zip(tokens(exact_text), tokens(folded_text), strict=False):
            position = min(position + 1, _MAX_POSITION)
            lexemes = (folded, exact, FIELD_MARK + folded) if field else (folded, exact)
            for lexeme in dict.fromkeys(lexemes):  # once each: a word without marks is both
                slots = positions[lexeme]
                if len(slots) < _MAX_POSITIONS_PER_LEXEME:
                    slots.append(str(position))
        return position

    end = put(entry.text, entry.folded_text, 0, field=False)
    # a gap, so a phrase cannot run from the page's last word into the dossier's fields
    put(entry.meta, entry.folded_meta, end + 8, field=True)
    # the fields' "@word" lexemes are copies of words already there
    starts = {
        START_MARK + w[:START_CHARS]
        for w in positions
        if len(w) >= START_CHARS and not w.startswith(FIELD_MARK)
    }
    words = (f"{_quote(lexeme)}:{','.join(slots)}" for lexeme, slots in positions.items())
    return " ".join([*words, *(_quote(start) for start in sorted(starts))])


def tsquery_parts(terms: Sequence[Term], *, exact: bool = False, field: bool = False) -> list[Part]:
    """One part per term, to be AND-ed: a phrase's words joined by <-> (next to each other),
    a prefix as :*. `exact`: the words as typed, with their marks; `field`: within the
    dossier's fields."""
    parts = []
    for term in terms:
        lexemes = tuple(
            (FIELD_MARK if field else "") + w for w in (term.exact if exact else term.folded)
        )
        if term.prefix and len(lexemes) == 1 and len(lexemes[0]) == START_CHARS and not field:
            start = START_MARK + lexemes[0]  # a word's first two letters: its own lexeme
            parts.append(Part(f"({_quote(start)})", (start,), prefix=False))
            continue
        words = [_quote(w) for w in lexemes]
        if term.prefix:
            words[-1] += ":*"
        parts.append(Part("(" + " <-> ".join(words) + ")", lexemes, term.prefix))
    return parts


def tsquery_literal(terms: Sequence[Term], *, exact: bool = False, field: bool = False) -> str:
    """Every term AND-ed (`tsquery_parts`), as a tsquery literal."""
    return " & ".join(p.literal for p in tsquery_parts(terms, exact=exact, field=field))


_GIN = (
    "SELECT e.id FROM search_entries e WHERE e.tsv @@ CAST(:t AS tsquery){where} "
    "ORDER BY e.id + 0 DESC LIMIT :k"
)
"""The newest `:k` matches by the GIN index: its bitmap finds every match, a top-k sort keeps
the newest (`e.id + 0` keeps the planner from walking the primary key instead)."""

_WALK = (
    "SELECT w.id FROM (SELECT e.id, e.tsv FROM search_entries e WHERE true{where} "
    "ORDER BY e.id DESC LIMIT :budget) w "
    "WHERE ts_match_vq(w.tsv, CAST(:t AS tsquery)) LIMIT :k"
)
"""The newest `:k` matches by walking the scope's rows newest first (index on agency_code, id,
or the primary key) and testing each row's vector: `ts_match_vq` is `@@` the planner cannot
hand to GIN. At most `:budget` rows are walked; a walk that found more than half of k goes on
below its oldest match for another budget before GIN is asked (measured: a name whose newest
matches were a little sparser than its share fell just short and then paid GIN too, 110 ms
instead of 55)."""


def _newest(
    connection: Connection, parts: Sequence[Part], filters: SearchFilters, k: int
) -> list[int]:
    """The newest `k` rows matching every part within the filters, by GIN or by a walk
    (`postgres_plan.walk_budget`); a walk that falls short (the statistics misled it) goes on
    when it found more than half, and otherwise, or if still short, ends in GIN."""
    where, params = filter_sql(filters)
    args = params | {"t": " & ".join(p.literal for p in parts), "k": k}
    budget = walk_budget(parts, lexeme_stats(connection, filters.agency_code), k)
    if budget is not None:
        walk = text(_WALK.format(where=where))
        walked = list(connection.scalars(walk, args | {"budget": budget}))
        if len(walked) * 2 > k and len(walked) < k:
            # short by less than half: at the density it saw, the rest is less than another
            # budget away, and GIN would read every list again; walk on below its oldest match
            further = text(_WALK.format(where=where + " AND e.id < :below"))
            rest = {"budget": budget, "k": k - len(walked), "below": walked[-1]}
            walked += connection.scalars(further, args | rest)
        if len(walked) >= k:
            return walked
    return list(connection.scalars(text(_GIN.format(where=where)), args))


NEAR_FIRST_PAGES = 2
"""The first side-by-side test takes the best `2 × (offset + limit)` candidates; the rest, in
a second statement, only when those did not settle the page."""


def settled(final: Sequence[tuple[int, int]], page_end: int, best_open: tuple[int, int]) -> bool:
    """Whether the hits up to rank `page_end` are known: `final` holds (tier, id) keys that
    will not change, and no key still open can beat the `page_end`-th of them (an open key is
    at most `best_open`, its tiers with `NEAR` added)."""
    if len(final) < page_end:
        return False
    return heapq.nlargest(page_end, final)[-1] > best_open


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

    def main_list(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[int]:
        return _newest(connection, tsquery_parts(query.terms), filters, k)

    def tier_lists(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, k: int
    ) -> list[Candidates]:
        lists = []
        if query.marked:
            # the words as typed: a marked word's own lexeme, an unmarked one's folded (the
            # same), so this implies the main match without asking for its lexemes again
            exact = tsquery_parts(query.terms, exact=True)
            lists.append(Candidates(_newest(connection, exact, filters, k), Tier.EXACT))
        fields = tsquery_parts(query.terms, field=True)
        lists.append(Candidates(_newest(connection, fields, filters, k), Tier.FIELDS))
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
        """Side by side (in the text or the fields), among the newest `NEAR_WINDOW` rows of
        each list: a phrase test reads the row's vector (~6 KB out of line, ~10 µs or a disk
        read when cold), and a list of its own would read the vector of every row holding the
        words anywhere. The fields list is short for a name (the dossiers of applicants bearing
        its words), so an applicant's dossier named side by side is found at any age through it.

        Tested best first, and only until the page is settled (`settled`): a name's applicant
        pages, in the marks and fields lists, usually fill the page in one statement of a few
        dozen rows instead of every candidate (up to 600)."""
        if query.phrase is None:
            return None
        tiers = merged_tiers(found)
        window = {i for candidates in found for i in candidates.ids[:NEAR_WINDOW]}
        untested = sorted(window, key=lambda i: (tiers[i] | Tier.NEAR, i), reverse=True)
        final = [(int(tier), i) for i, tier in tiers.items() if i not in window]
        first = NEAR_FIRST_PAGES * page_end
        near: list[int] = []
        for batch in (untested[:first], untested[first:]):
            if not batch or settled(final, page_end, (tiers[batch[0]] | Tier.NEAR, batch[0])):
                break
            hits = set(self._side_by_side(connection, query, filters, batch))
            near += hits
            final += [(int(tiers[i] | (Tier.NEAR if i in hits else 0)), i) for i in batch]
        return Candidates(sorted(near, reverse=True), Tier.NEAR)

    def _side_by_side(
        self, connection: Connection, query: ParsedQuery, filters: SearchFilters, ids: list[int]
    ) -> Sequence[int]:
        assert query.phrase is not None
        scope, params = agency_scope(filters)
        return connection.scalars(
            text(
                f"SELECT id FROM search_entries WHERE id = ANY(:ids){scope} "
                "AND ts_match_vq(tsv, CAST(:t AS tsquery))"
            ),
            params | {"ids": ids, "t": tsquery_literal([query.phrase])},
        ).all()

    def prepare(self, connection: Connection) -> None:
        # a prefix ('phu':*) looks dear to the planner as a GIN partial match, so it read the
        # whole table instead (2.7 s at 100 000 pages); a walk goes by its index, not a scan
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        # a search already runs two statements at once (`SqlIndex.search`); parallel workers
        # for a bitmap scan of a partition doubled each one's time on two cores
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))

    # the partitions hold the rows and indexes (the partitioned table itself has none)
    size_sql = (
        "SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
        "WHERE inhparent = 'search_entries'::regclass"
    )
