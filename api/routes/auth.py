"""Log in (OAuth2 password flow), log out, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import ActorDep, origin
from api.deps import ContextDep
from api.responses import ERRORS
from models.schemas import Me, TokenPublic
from services import auth

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERRORS)


@router.post("/token")
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, ctx: ContextDep
) -> TokenPublic:
    """Exchange a username and password for a bearer token valid `SOHOA_TOKEN_MINUTES`."""
    issued = auth.login(ctx, form.username, form.password, origin(request))
    return TokenPublic(access_token=issued.access_token, expires_at=issued.expires_at)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, ctx: ContextDep, _actor: ActorDep) -> None:
    """End the credential this request used: the session token, or the API key itself (a key
    that answered 204 here and kept working would be a lie)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        auth.logout(ctx, header[7:].strip())
    elif key := request.headers.get("x-api-key"):
        auth.logout(ctx, key.strip())


@router.get("/me")
def me(actor: ActorDep) -> Me:
    p = actor.principal
    return Me(username=p.username, role=p.role, agency_code=p.agency_code)
