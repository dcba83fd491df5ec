"""Counts every HTTP answer for /metrics and logs it: its route's template (never the path,
which names dossiers, nor the query, which may name a citizen), its status and how long it
took, under its request id. An ASGI layer, so errors answered by the routes' exception
handlers and by the guard are counted like the rest.

The request id is the caller's `X-Request-ID` when it is a plain token, else a new one; it is
answered in the same header and bound for the request's work (models/trace.py).
"""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models import trace
from services.context import Context

log = logging.getLogger("sohoa.access")


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes is answered 500 further out
        request_id = trace.accepted(Headers(scope=scope).get(trace.HEADER))

        async def noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[trace.HEADER] = request_id
            await send(message)

        with trace.bound(request_id):
            try:
                await self.app(scope, receive, noted)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope)
                ctx: Context | None = getattr(scope["app"].state, "context", None)
                if ctx is not None:
                    ctx.metrics.observe_request(scope["method"], route, status, seconds)
                log.info(
                    "%s %s %d %.1f ms",
                    scope["method"],
                    route,
                    status,
                    seconds * 1000,
                    extra={"route": route, "status": status, "ms": round(seconds * 1000, 1)},
                )


def route_template(scope: Scope) -> str:
    """The matched route's template with its router's prefix ("/api/v1/documents/{document_id}");
    "unmatched" when no route was (a 404, or refused before routing by the guard).

    The route in the scope knows its path without the prefix it was included under; the prefix
    is the literal start of the path before the part the route's pattern matches. Of the
    possible splits, the longest suffix wins: the prefix is never longer than the real one, so
    nothing the caller wrote becomes a label.
    """
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "unmatched"
    pattern = getattr(route, "path_regex", None)
    path: str = scope.get("path", "")
    if pattern is not None:
        for cut, char in enumerate(path):
            if char == "/" and pattern.match(path[cut:]):
                return path[:cut] + template
    return template
