"""The PostgreSQL vector and query literals: folded and exact words at the same positions,
the fields' words marked `@`, two-letter starts as their own lexemes."""

from __future__ import annotations

from datetime import date

from models.search import IndexEntry
from services.search_text import parse_query
from storage.search.postgres import tsquery_literal, tsvector_literal

ENTRY = IndexEntry(
    document_id="d",
    page_number=1,
    dossier_code="X",
    agency_code="A",
    procedure_code="P",
    applicant_name="Nguyễn An",
    kind_code=None,
    received_on=date(2024, 1, 15),
    text="Hà Nội, phường",
    folded_text="Ha Noi, phuong",
    meta="NGUYỄN AN",
    folded_meta="NGUYEN AN",
)


def test_the_vector_holds_each_word_folded_and_as_written_at_one_position() -> None:
    lexemes = dict(
        item.split(":") if ":" in item else (item, "") for item in tsvector_literal(ENTRY).split()
    )
    assert lexemes["'ha'"] == lexemes["'hà'"] == "1"
    assert lexemes["'phuong'"] == lexemes["'phường'"] == "3"
    # the fields follow after a gap, folded words also marked "@"
    assert lexemes["'@nguyen'"] == lexemes["'nguyen'"] and int(lexemes["'@an'"]) > 3 + 8
    # two-letter starts, folded and as written, without positions; none for "@" words
    assert {"'^ha'", "'^hà'", "'^ph'", "'^ng'", "'^an'"} <= {k for k, v in lexemes.items() if not v}
    assert not any(k.startswith("'^@") for k in lexemes)


def test_a_two_letter_prefix_asks_for_its_start_lexeme_and_longer_ones_for_words() -> None:
    assert tsquery_literal(parse_query("ph*").terms) == "('^ph')"
    assert tsquery_literal(parse_query("Hà*").terms, exact=True) == "('^hà')"
    assert tsquery_literal(parse_query("phu*").terms) == "('phu':*)"
    # at the end of a phrase the prefix needs positions: PostgreSQL's own :* on the words
    assert (
        tsquery_literal(parse_query('"nguyen van ph*"').terms) == "('nguyen' <-> 'van' <-> 'ph':*)"
    )
    assert tsquery_literal(parse_query("ph*").terms, field=True) == "('@ph':*)"
