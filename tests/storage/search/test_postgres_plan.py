"""The cost model picks GIN for rare words, GIN on the rare words for a mix, a walk for words
most pages hold; with no statistics, plain GIN."""

from __future__ import annotations

import pytest

from storage.search.postgres_plan import LexemeStats, Part, walk_budget

STATS = LexemeStats(
    rows=1_000_000,
    freqs={
        "van": 0.8,
        "ban": 0.7,
        "quyen": 0.7,
        "su": 0.75,
        "dung": 0.7,
        "dat": 0.7,
        "an": 0.7,
        "xuan": 0.12,
        "phan": 0.55,
        "phap": 0.5,
        "pham": 0.1,
        "thi": 0.7,
    },
)


def _part(*words: str, prefix: bool = False) -> Part:
    literal = " <-> ".join(f"'{w}'" for w in words) + (":*" if prefix else "")
    return Part(f"({literal})", words, prefix)


def test_a_rare_word_goes_to_gin() -> None:
    assert walk_budget([_part("079193002341")], STATS, 1001) is None


def test_words_most_pages_hold_are_walked() -> None:
    assert walk_budget([_part(w) for w in ("quyen", "su", "dung", "dat")], STATS, 1001) is not None
    assert (
        walk_budget([_part("phan"), _part("thi"), _part("ph", prefix=True)], STATS, 1001)
        is not None
    )


def test_a_name_of_fairly_common_words_goes_to_gin() -> None:
    assert walk_budget([_part("vo"), _part("xuan"), _part("an")], STATS, 1001) is None


def test_a_phrase_of_common_words_is_dear_to_recheck_in_gin() -> None:
    # each word of the label on most pages: GIN would read the vector of most rows
    assert walk_budget([_part("quyen", "su", "dung", "dat")], STATS, 1001) is not None


def test_without_statistics_gin_takes_everything() -> None:
    assert walk_budget([_part("quyen"), _part("su")], None, 1001) is None


def test_a_walk_may_go_as_far_as_gin_would_cost() -> None:
    parts = [_part("phan"), _part("thi"), _part("ph", prefix=True)]
    budget = walk_budget(parts, STATS, 1001)
    assert budget is not None and budget > 2 * 1001 / 0.5  # twice the rows expected, at least


def test_gin_costs_what_the_partition_it_reads_holds() -> None:
    # the same shares in one partition of a third of the rows: GIN reads a third of the lists
    # and visits a third of the matches, a walk for k matches costs the same
    parts = [_part("xuan"), _part("van")]  # on a page in ten
    third = LexemeStats(rows=STATS.rows / 3, freqs=STATS.freqs)
    budget, budget_third = walk_budget(parts, STATS, 1001), walk_budget(parts, third, 1001)
    assert budget is not None and budget_third is None


def test_partitions_merge_into_the_whole_tables_shares() -> None:
    small = LexemeStats(rows=100, freqs={"van": 0.8, "an": 0.4})  # floor 0.2
    large = LexemeStats(rows=300, freqs={"van": 0.4, "xuan": 0.2})  # floor 0.1
    whole = LexemeStats.merged([small, large])
    assert whole is not None and whole.rows == 400
    assert whole.share("van") == pytest.approx((80 + 120) / 400)
    # a lexeme a partition does not list counts that partition's floor
    assert whole.share("an") == pytest.approx((40 + 30) / 400)
    assert whole.share("xuan") == pytest.approx((20 + 60) / 400)
    assert whole.floor == pytest.approx((20 + 30) / 400)
    assert LexemeStats.merged([]) is None
