"""Who is calling: a bearer token (OAuth2 password flow) or an `X-API-Key` header."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from api.deps import ContextDep
from models.auth import Actor
from services import auth

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


def origin(request: Request) -> str | None:
    return request.client.host if request.client else None


def _actor(
    request: Request,
    ctx: ContextDep,
    token: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Actor:
    return Actor(auth.authenticate(ctx, token or api_key), origin(request))


ActorDep = Annotated[Actor, Depends(_actor)]
