"""The door before any body is read: who is calling, and how many bytes they may send.

FastAPI parses (and Starlette spools to disk) a multipart body before a route's dependencies
run, so an anonymous caller could fill the disk before hearing 401. This ASGI layer runs
first: a request that carries a body must carry a valid token or API key (login excepted),
must declare no more than its route's cap in `Content-Length`, and is cut off at that cap
while it streams (chunked bodies declare nothing).
"""

from __future__ import annotations

import re

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from models.errors import FileTooLarge, SohoaError, Unauthenticated
from services import auth
from services.context import Context

SMALL_BODY = 2 * 1024 * 1024
"""Every body but an upload's: JSON and forms (a page's corrected text is at most 200 000
characters, under 1.2 MB even with every one escaped)."""
MULTIPART_OVERHEAD = 1024 * 1024
"""Room for the multipart boundaries and part headers of a full upload."""

_UPLOADS = (
    ("POST", re.compile(r"^/api/v1/dossiers/[^/]+/documents$")),
    ("PUT", re.compile(r"^/api/v1/documents/[^/]+/scan$")),
)
_ANONYMOUS = {("POST", "/api/v1/auth/token")}
_NO_BODY = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(HTTPException):
    """Raised from inside `receive` when a streamed body passes its cap; FastAPI lets an
    HTTPException raised while reading the body through, and api/errors.py answers it."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


def body_limit(ctx: Context, method: str, path: str) -> tuple[int, int]:
    """(files, bytes) a request may send: an upload gets its files' limits, the rest little."""
    settings = ctx.settings
    if any(method == m and pattern.match(path) for m, pattern in _UPLOADS):
        files = settings.max_files_per_request if method == "POST" else 1
        return files, files * settings.max_upload_bytes + MULTIPART_OVERHEAD
    return 0, SMALL_BODY


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _NO_BODY:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = _content_length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if not declared and not chunked:
            await self.app(scope, receive, send)  # no body: the route's own checks suffice
            return
        ctx: Context = scope["app"].state.context
        method, path = scope["method"], scope["path"]
        if (method, path) not in _ANONYMOUS:
            try:
                await to_thread.run_sync(auth.authenticate, ctx, _secret(headers))
            except SohoaError as exc:  # 401, or 503 when the catalog is down
                await _answer(exc, scope, receive, send)
                return
        _, limit = body_limit(ctx, method, path)
        if declared is not None and declared > limit:
            error = FileTooLarge(
                "Yêu cầu quá lớn", detail={"content_length": declared, "max_bytes": limit}
            )
            await _answer(error, scope, receive, send)
            return
        await self.app(scope, _capped(receive, limit), send)


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return counted


def _content_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        return None


def _secret(headers: Headers) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return headers.get("x-api-key") or None


async def _answer(exc: SohoaError, scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(exc.http_status, exc.code, exc.message, exc.detail)
    if isinstance(exc, Unauthenticated):
        response.headers["WWW-Authenticate"] = "Bearer"
    # the client may still be sending: close rather than leave the socket waiting on it
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


_EVERY_RESPONSE = [
    # no page of ours inside another site's frame (clickjacking the counter's buttons)
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
]


class SecurityHeaders:
    """Headers every response carries, JSON, files and the page alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in _EVERY_RESPONSE if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
