"""Snippets: a window of the page, escaped, every matched word (and only those) marked."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from services.search_text import parse_query, snippet

WORDS = ["Nguyễn", "nguyen", "NGUYỄN", "Văn", "van", "An", "ấn", "đất", "dat", "<b>", "&", "Hà"]
texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", ", ", "\n", " - ", "  "])),
    min_size=1,
    max_size=80,
).map(lambda parts: "".join(w + gap for w, gap in parts))
MARK = re.compile(r"<mark>(.*?)</mark>")


@given(texts, st.sampled_from(["nguyen", "Nguyễn", "dat", "van an", '"nguyen van"', "ngu*"]))
def test_a_snippet_is_the_escaped_page_with_its_matches_marked(text: str, q: str) -> None:
    query = parse_query(q)
    cut = snippet(text, query)
    plain = MARK.sub(r"\1", cut).removeprefix("… ").removesuffix(" …")
    assert plain in " ".join(html.escape(text).split())
    folded_terms = {w for t in query.terms for w in t.folded}
    for word in MARK.findall(cut):
        folded = parse_query(word).terms[0].folded[0]
        assert folded in folded_terms or any(
            t.prefix and folded.startswith(t.folded[-1]) for t in query.terms
        )


def test_the_window_is_where_the_matches_are() -> None:
    text = " ".join(["lorem"] * 100 + ["Nguyễn", "Văn", "An"] + ["ipsum"] * 100)
    cut = snippet(text, parse_query("nguyen van an"))
    assert "<mark>Nguyễn</mark> <mark>Văn</mark> <mark>An</mark>" in cut
    assert cut.startswith("… ") and cut.endswith(" …")
