"""Liveness and readiness: the catalog answers and the object store accepts a write."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ContextDep
from models.errors import SohoaError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(ctx: ContextDep) -> JSONResponse:
    checks: dict[str, str] = {}
    healthy = True
    for name, check in (("catalog", ctx.catalog.ping), ("object_store", ctx.store.check)):
        try:
            check()
            checks[name] = "ok"
        except SohoaError as exc:
            healthy = False
            checks[name] = f"{exc.code}: {exc.detail or exc.message}"
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if healthy:
        return JSONResponse(body)
    return JSONResponse(
        status_code=503,
        content={
            "error": {"code": "unhealthy", "message": "Dịch vụ chưa sẵn sàng", "detail": checks},
            **body,
        },
    )
