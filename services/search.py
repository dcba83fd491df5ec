"""Search, the officer's verb: find pages by words, names, ID numbers and codes, with or without
Vietnamese marks, within the agencies the actor sees; every search is audited.
"""

from __future__ import annotations

import json
from dataclasses import replace

from models.auth import Actor, AuditAction, Permission
from models.search import ParsedQuery, SearchFilters, SearchHit, SearchResults
from services.access import require
from services.context import Context
from services.search_text import parse_query, snippet

MAX_LIMIT = 100
MAX_OFFSET = 10_000
"""Deep paging costs the engine every skipped row; nobody reads past result 10 000."""


def search(
    ctx: Context,
    actor: Actor,
    q: str,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Ranked hits (one per page and dossier), the total count (exact up to
    `storage.search.index.CANDIDATES`, "at least" beyond), a page of `limit` from `offset`.

    An actor bound to an agency searches only that agency's dossiers; asking for another
    agency finds nothing, as if it had no papers (like a 404 elsewhere, it reveals nothing).
    """
    require(actor, Permission.SEARCH)
    require(actor, Permission.READ_PAPERS)  # snippets are the papers' text
    query = parse_query(q)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, min(offset, MAX_OFFSET))
    scoped = _scope(actor, filters or SearchFilters())
    with ctx.metrics.search_latency.time():
        hits, raw_total, total_exact = _hits(ctx, query, scoped, limit=limit, offset=offset)
    ctx.audit.record(
        actor,
        AuditAction.SEARCH,
        object_type="search",
        # the query is not kept: a name or a personal ID typed in it is a citizen's data, and the
        # auditor who reads this row never reads a paper (docs/security.md)
        detail=json.dumps(
            {
                "words": len(q.split()),
                "filters": sorted(_describe(filters)),
                "total": raw_total,
                "offset": offset,
            }
        ),
    )
    return SearchResults(
        query=q, total=raw_total, total_exact=total_exact, limit=limit, offset=offset, hits=hits
    )


def _hits(
    ctx: Context, query: ParsedQuery, scoped: SearchFilters | None, *, limit: int, offset: int
) -> tuple[list[SearchHit], int, bool]:
    """A page of hits with their snippets, the total and whether it is exact."""
    if scoped is None:
        return [], 0, True
    found = ctx.search.index.search(query, scoped, limit=limit, offset=offset)
    hits = [
        SearchHit(
            dossier_code=hit.dossier_code,
            document_id=hit.document_id,
            page=hit.page_number,
            applicant_name=hit.applicant_name,
            kind_code=hit.kind_code,
            snippet=snippet(hit.text, query),
            score=round(hit.score, 6),
            exact=hit.exact,
        )
        for hit in found.hits
    ]
    return hits, found.total, found.total_exact


def _scope(actor: Actor, filters: SearchFilters) -> SearchFilters | None:
    """The filters narrowed to what the actor sees; None when that is nothing."""
    own = actor.principal.agency_code
    if own is None:
        return filters
    if filters.agency_code is not None and filters.agency_code != own:
        return None
    return replace(filters, agency_code=own)


def _describe(filters: SearchFilters | None) -> dict[str, str]:
    if filters is None:
        return {}
    return {k: str(v) for k, v in vars(filters).items() if v is not None}
