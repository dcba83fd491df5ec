"""Search over digitized papers: `GET /api/v1/search?q=…` with filters and paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import ActorDep
from api.deps import ContextDep
from api.responses import ERRORS
from models.catalog import DossierStatus
from models.search import SearchFilters, SearchResults
from services import search as use_case
from services.search import MAX_LIMIT, MAX_OFFSET
from services.search_text import MAX_QUERY_CHARS

router = APIRouter(tags=["search"], responses=ERRORS)


@router.get("/search")
def search(
    ctx: ContextDep,
    actor: ActorDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description='words, "a phrase", a code or ID number, a prefix like Nguy*; '
            "with or without Vietnamese marks",
        ),
    ],
    procedure_code: Annotated[str | None, Query(max_length=16)] = None,
    kind: Annotated[str | None, Query(max_length=32, description="paper kind code")] = None,
    status: DossierStatus | None = None,
    agency: Annotated[str | None, Query(max_length=16)] = None,
    received_from: Annotated[date | None, Query(description="dossier received on or after")] = None,
    received_to: Annotated[date | None, Query(description="dossier received on or before")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchResults:
    """Ranked pages matching every word: dossier, paper, page number, highlighted snippet."""
    filters = SearchFilters(
        agency_code=agency,
        procedure_code=procedure_code,
        kind_code=kind,
        status=status,
        received_from=received_from,
        received_to=received_to,
    )
    return use_case.search(ctx, actor, q, filters, limit=limit, offset=offset)
