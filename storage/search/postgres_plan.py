"""How PostgreSQL finds a query's newest matches: a small cost model over lexeme statistics.

PostgreSQL's planner puts a whole `@@` into the GIN index and assumes words independent. At a
million pages neither holds for search: GIN reads the posting list of every lexeme it is
given, so common words or a short prefix (the union of many words' lists) cost 100–300 ms
even when the other words are rare, and a name's words (or a paper kind's label) come
together far more often than the product of their frequencies. So the adapter chooses, per
candidate list, between two ways, by the costs measured at a million pages (docs/search.md,
"Engines"):

- **GIN**: posting-list work for each lexeme, then a heap visit per match (and a read of the
  row's vector for a phrase, which GIN cannot check);
- **walk** the scope's rows newest first, testing each row's vector (`ts_match_vq`, which GIN
  cannot take), until k match: k divided by the share of rows matching, cheap for a query
  most pages match (common words, a short prefix), ruinous for a rare one.

Shares come from `pg_stats` (the most common lexemes and their frequencies, refreshed by
ANALYZE), read once a few minutes per process. A wrong guess costs time, never a wrong answer:
every way returns the same newest k matches (`tests/storage/search/test_postgres.py`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import Connection, text

# milliseconds, measured on the benchmark's million pages (warm caches, 2 GB shared buffers)
LIST_MS = 20.0
"""GIN work per unit of posting-list length (a lexeme on every row = 1): decoding, merging."""
PREFIX_FACTOR = 3.0
"""A prefix's lists are merged into a bitmap, without GIN's skipping of long lists."""
VISIT_MS = 0.0008
"""A heap visit per GIN match (narrow row: agency filter, id, visibility)."""
RECHECK_MS = 0.010
"""Reading and testing one row's vector (detoast): GIN's recheck of a phrase."""
WALK_MS = 0.008
"""One row of a newest-first walk: the same vector read, and the index step."""
STATS_SECONDS = 300.0


@dataclass(frozen=True)
class Part:
    """One AND-ed term of a tsquery: its literal and the lexemes (or prefixes) it needs."""

    literal: str
    lexemes: tuple[str, ...]
    prefix: bool
    """The last lexeme is a prefix (`:*`)."""

    @property
    def phrase(self) -> bool:
        return len(self.lexemes) > 1


@dataclass(frozen=True)
class LexemeStats:
    rows: float
    freqs: Mapping[str, float]
    """Share of rows holding each of the most common lexemes."""

    @property
    def floor(self) -> float:
        """A lexeme outside `freqs` is rarer than all of them: half the least common, as the
        planner assumes."""
        return min(self.freqs.values(), default=0.0) / 2

    def share(self, lexeme: str, *, prefix: bool = False) -> float:
        if not prefix:
            return self.freqs.get(lexeme, self.floor)
        return min(1.0, self.floor + sum(f for w, f in self.freqs.items() if w.startswith(lexeme)))

    def part_share(self, part: Part) -> float:
        """Rows holding the part: its words' shares multiplied (for a phrase, an estimate of
        the words anywhere on the page; side by side is rarer still)."""
        last = len(part.lexemes) - 1
        return math.prod(
            self.share(w, prefix=part.prefix and i == last) for i, w in enumerate(part.lexemes)
        )

    def part_work(self, part: Part) -> float:
        last = len(part.lexemes) - 1
        return sum(
            self.share(w, prefix=part.prefix and i == last)
            * (PREFIX_FACTOR if part.prefix and i == last else 1.0)
            for i, w in enumerate(part.lexemes)
        )


def share_of(parts: Sequence[Part], stats: LexemeStats) -> float:
    """Rows matching every part, the words taken as independent (as the planner does): true
    of names and phrases in running text; common words that come together (a paper kind's
    label) are underestimated, and then a walk that was cheaper is missed, nothing worse."""
    return math.prod(stats.part_share(p) for p in parts)


def walk_budget(parts: Sequence[Part], stats: LexemeStats | None, k: int) -> int | None:
    """Rows to walk for the newest `k` matches of all `parts` (AND-ed), or None when GIN is
    expected to be cheaper. The budget is what GIN is expected to cost, in walked rows: a walk
    that runs out of it before finding k matches hands over to GIN, so a wrong estimate
    costs at most about twice the better way."""
    if stats is None or not parts:  # never analysed: a small or new index, GIN is fine
        return None
    share = max(share_of(parts, stats), 1.0 / max(stats.rows, 1.0))
    per_match = VISIT_MS + (RECHECK_MS if any(p.phrase for p in parts) else 0.0)
    gin = LIST_MS * sum(stats.part_work(p) for p in parts) + per_match * stats.rows * share
    if WALK_MS * k / share >= gin:
        return None
    return max(k, int(gin / WALK_MS))


_cache: dict[str, tuple[float, LexemeStats | None]] = {}
_lock = Lock()


def lexeme_stats(connection: Connection) -> LexemeStats | None:
    """The index's lexeme statistics (None before the first ANALYZE), cached per database."""
    key = connection.engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and now - cached[0] < STATS_SECONDS:
        return cached[1]
    row = connection.execute(
        text(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname "
            "AND s.attname = 'tsv' AND s.schemaname = current_schema() "
            "WHERE c.relname = 'search_entries' AND c.relnamespace = current_schema()::regnamespace"
        )
    ).first()
    stats = None
    if row is not None and row[0] and row[2] and row[2] > 0:
        stats = LexemeStats(rows=float(row[2]), freqs=dict(zip(row[0], row[1], strict=False)))
    with _lock:
        _cache[key] = (now, stats)
    return stats
