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
ANALYZE), read once a few minutes per process, of the partition a search reads (an officer's
agency) or of all of them merged (an administrator's search); GIN's costs scale with the rows
of what it reads, a walk's do not. A wrong guess costs time, never a wrong answer:
every way returns the same newest k matches (`tests/storage/search/test_postgres.py`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

from sqlalchemy import Connection, text

# milliseconds, measured on the benchmark's million pages (warm caches, 2 GB shared buffers)
LIST_MS = 20.0
"""GIN work for a lexeme on every one of a million rows (decoding, merging); a list's cost is
its length: the share of rows holding the lexeme times the rows of the partitions read."""
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
    unlisted: float | None = None
    """Share assumed for a lexeme outside `freqs`; None: half the least common in it."""

    @cached_property
    def floor(self) -> float:
        """A lexeme outside `freqs` is rarer than all of them: half the least common, as the
        planner assumes (or what `merged` worked out over the partitions)."""
        if self.unlisted is not None:
            return self.unlisted
        return min(self.freqs.values(), default=0.0) / 2

    @classmethod
    def merged(cls, parts: Sequence[LexemeStats]) -> LexemeStats | None:
        """The statistics of a table made of `parts` (its partitions): each lexeme's share
        weighted by the partitions' rows, a partition not listing it counting its own floor."""
        rows = sum(p.rows for p in parts)
        if rows <= 0:
            return None
        floors = [p.floor for p in parts]
        words = {w for p in parts for w in p.freqs}
        freqs = {
            w: sum(p.rows * p.freqs.get(w, f) for p, f in zip(parts, floors, strict=True)) / rows
            for w in words
        }
        return cls(rows, freqs, sum(p.rows * f for p, f in zip(parts, floors, strict=True)) / rows)

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
    that runs out of it before finding k matches hands over to GIN (after one more budget
    when it found more than half), so a wrong estimate costs at most about three times the
    better way."""
    if stats is None or not parts:  # never analysed: a small or new index, GIN is fine
        return None
    share = max(share_of(parts, stats), 1.0 / max(stats.rows, 1.0))
    per_match = VISIT_MS + (RECHECK_MS if any(p.phrase for p in parts) else 0.0)
    lists = LIST_MS * stats.rows / 1_000_000 * sum(stats.part_work(p) for p in parts)
    gin = lists + per_match * stats.rows * share
    if WALK_MS * k / share >= gin:
        return None
    return max(k, int(gin / WALK_MS))


@dataclass(frozen=True)
class PlanStats:
    """What the model knows of the index: each partition's statistics, their merge, and
    which partition holds an agency's rows (filled as agencies are asked for)."""

    partitions: Mapping[str, LexemeStats]
    whole: LexemeStats | None
    agencies: dict[str, str | None]

    @classmethod
    def of(cls, partitions: Mapping[str, LexemeStats]) -> PlanStats:
        return cls(partitions, LexemeStats.merged(list(partitions.values())), {})


_cache: dict[str, tuple[float, PlanStats]] = {}
_lock = Lock()


def lexeme_stats(connection: Connection, agency: str | None = None) -> LexemeStats | None:
    """The lexeme statistics of what a search reads (None before the first ANALYZE, or for an
    agency without rows): the partition holding `agency`'s rows, or every partition. Read from
    the catalog once every few minutes per database."""
    key = connection.engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is None or now - cached[0] >= STATS_SECONDS:
        cached = (now, PlanStats.of(_partition_stats(connection)))
        with _lock:
            _cache[key] = cached
    stats = cached[1]
    if agency is None:
        return stats.whole
    if agency not in stats.agencies:
        # the planner's pruning knows the hash; asking for one row of the agency is simpler
        stats.agencies[agency] = connection.scalar(
            text(
                "SELECT c.relname FROM search_entries e JOIN pg_class c ON c.oid = e.tableoid "
                "WHERE e.agency_code = :a LIMIT 1"
            ),
            {"a": agency},
        )
    partition = stats.agencies[agency]
    return stats.partitions.get(partition) if partition else None


def _partition_stats(connection: Connection) -> dict[str, LexemeStats]:
    """Each partition's own statistics: autovacuum analyses partitions, never their parent."""
    rows = connection.execute(
        text(
            "SELECT c.relname, s.most_common_elems::text::text[], s.most_common_elem_freqs, "
            "c.reltuples FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'tsv' "
            "AND s.schemaname = current_schema() AND NOT s.inherited "
            "WHERE i.inhparent = 'search_entries'::regclass"
        )
    ).all()
    return {
        name: LexemeStats(rows=float(tuples), freqs=dict(zip(words, freqs, strict=False)))
        for name, words, freqs, tuples in rows
        if words and tuples and tuples > 0
    }
