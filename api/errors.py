"""Every error leaves the API as `{"error": {"code", "message", "detail"}}` (models.schemas.ErrorBody)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import InvalidInput, SohoaError, TooManyAttempts, Unauthenticated

log = logging.getLogger(__name__)

_HTTP_CODES = {
    404: ("not_found", "Không tìm thấy"),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ"),
    413: ("file_too_large", "Yêu cầu quá lớn"),  # api/guard.py cut a streamed body off
}


def error_response(status: int, code: str, message: str, detail: Any = None) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": message, "detail": detail}}
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(SohoaError)
    async def _ours(_request: Request, exc: SohoaError) -> JSONResponse:
        if exc.http_status >= 500:
            log.error("%s: %s (%s)", exc.code, exc.message, exc.detail)
        response = error_response(exc.http_status, exc.code, exc.message, exc.detail)
        if isinstance(exc, Unauthenticated):
            response.headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyAttempts) and isinstance(exc.detail, dict):
            response.headers["Retry-After"] = str(exc.detail.get("retry_after_seconds", 60))
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "problem": err.get("msg")}
            for err in exc.errors()
        ]
        return error_response(
            InvalidInput.http_status, InvalidInput.code, InvalidInput.default_message, detail
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
        limit = getattr(exc, "limit", None)  # api.guard.BodyTooLarge
        return error_response(
            exc.status_code, code, message, {"max_bytes": limit} if limit else None
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(SohoaError.http_status, SohoaError.code, SohoaError.default_message)
