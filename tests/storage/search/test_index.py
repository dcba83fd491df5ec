"""Ranking merges the candidate lists: tiers first, newest first within a tier."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storage.search.index import Candidates, Tier, rank


def test_tiers_add_up_and_order_the_hits() -> None:
    ranked = rank(
        [
            Candidates([9, 7, 5, 3, 1], Tier.PLAIN),
            Candidates([3, 2], Tier.EXACT),  # 2 is older than the main list's newest
            Candidates([5, 3], Tier.NEAR),
            Candidates([7, 3], Tier.FIELDS),
        ]
    )
    assert ranked == [
        (3, Tier.EXACT | Tier.NEAR | Tier.FIELDS),
        (2, Tier.EXACT),
        (5, Tier.NEAR),
        (7, Tier.FIELDS),
        (9, Tier.PLAIN),
        (1, Tier.PLAIN),
    ]


lists = st.lists(
    st.tuples(st.lists(st.integers(1, 60), unique=True), st.sampled_from(list(Tier))),
    min_size=1,
    max_size=4,
)


@given(lists)
def test_every_candidate_is_ranked_once_by_tier_then_newest(
    found: list[tuple[list[int], Tier]],
) -> None:
    ranked = rank([Candidates(ids, tier) for ids, tier in found])
    assert sorted(i for i, _ in ranked) == sorted({i for ids, _ in found for i in ids})
    keys = [(-tier, -i) for i, tier in ranked]
    assert keys == sorted(keys)
    for i, tier in ranked:
        assert tier == Tier(sum({t for ids, t in found if i in ids}))
