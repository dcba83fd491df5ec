"""The relevance set, small: recall@10 and MRR stay above a floor on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from bench.search_relevance import run, summary
from services.context import Context
from services.settings import Settings


def test_search_finds_the_dossiers_people_ask_for(database_url: str, tmp_path: Path) -> None:
    ctx = Context.open(Settings(data_dir=tmp_path, database_url=database_url, workers=0))
    try:
        scores = run(ctx, dossier_count=40, per_kind=3)
    finally:
        ctx.close()
    assert len(scores) >= 27
    recall, mrr = summary(scores)
    assert recall >= 0.95, [s for s in scores if s.recall < 1]
    assert mrr >= 0.85, [s for s in scores if s.reciprocal_rank < 1]
