"""The error responses every route documents in OpenAPI."""

from __future__ import annotations

from typing import Any

from models.schemas import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        404: "no such dossier or document",
        409: "conflict, or not ready yet",
        413: "too large: bytes, pages, pixels or files",
        415: "not a supported scan format",
        422: "invalid input",
        503: "catalog or object store unavailable; retry",
    }.items()
}
