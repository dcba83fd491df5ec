"""GET /metrics for Prometheus, mounted only when `SOHOA_METRICS_TOKEN` is set (else 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from api.deps import ContextDep
from services.metrics import CONTENT_TYPE, bearer, check_scrape_token

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
def metrics(ctx: ContextDep, authorization: Annotated[str | None, Header()] = None) -> Response:
    token = ctx.settings.metrics_token
    assert token is not None  # mounted only with a token (api/app.py)
    check_scrape_token(token.get_secret_value(), bearer(authorization))
    return Response(ctx.metrics.render(), media_type=CONTENT_TYPE)
