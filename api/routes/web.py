"""The clerk's page: three static files served by the API itself (no CDN: LAN-only offices).

They hold no data; everything they show comes from the authenticated API.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.responses import ERRORS

router = APIRouter(include_in_schema=False, responses=ERRORS)

_ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob:; object-src 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _read(name: str) -> str:
    return files("api").joinpath("web", name).read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse)
def page() -> HTMLResponse:
    return HTMLResponse(_read("index.html"), headers=_HEADERS)


@router.get("/static/{name}")
def asset(name: str) -> Response:
    if name not in _ASSETS:
        return Response(status_code=404)
    return Response(_read(name), media_type=_ASSETS[name], headers=_HEADERS)
