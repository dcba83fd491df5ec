"""Users, passwords, session tokens and API keys.

Passwords are hashed with argon2id. Session tokens and API keys are random secrets shown once;
the catalog keeps only their sha256. Tokens live `SOHOA_TOKEN_MINUTES`; API keys until revoked
(machine clients: backfile, one-stop system integration).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from models.auth import ROLES_WITHOUT_AGENCY, Actor, AuditAction, Principal, Role
from models.codes import check_agency_code
from models.errors import InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from services.context import Context

_hasher = PasswordHasher()

API_KEY_PREFIX = "sohoa_"
FIRST_ADMIN = "admin"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_password() -> str:
    return secrets.token_urlsafe(15)


def add_user(
    ctx: Context, username: str, role: Role, agency_code: str | None, password: str | None = None
) -> tuple[Principal, str]:
    """Create a user; return it and its password (generated when none is given)."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise InvalidInput("Tên đăng nhập không hợp lệ", detail={"username": username})
    if agency_code is not None:
        check_agency_code(agency_code)
    elif role not in ROLES_WITHOUT_AGENCY:
        raise InvalidInput("Vai trò này phải thuộc một cơ quan (--agency)", detail={"role": role})
    password = password or new_password()
    if len(password) < 10:
        raise InvalidInput("Mật khẩu phải có ít nhất 10 ký tự")
    principal = ctx.accounts.add_user(
        username=username, password_hash=_hasher.hash(password), role=role, agency_code=agency_code
    )
    ctx.audit.record(
        None,
        AuditAction.USER_ADDED,
        object_type="user",
        object_id=username,
        actor_name="system",
        detail=f"role={role} agency={agency_code}",
    )
    return principal, password


def ensure_first_admin(ctx: Context) -> str | None:
    """On an empty catalog, create `admin` with a generated password and return it (shown once).

    There is never a fixed default password: each installation gets its own.
    """
    _dummy_hash()  # paid at start, not by the first login of an unknown name
    if ctx.accounts.count_users():
        return None
    _, password = add_user(ctx, FIRST_ADMIN, Role.ADMIN, None)
    return password


@cache
def _dummy_hash() -> str:
    """A hash no password matches, verified for a name that does not exist: an unknown name
    then costs what a wrong password costs (argon2), and timing does not tell names apart."""
    return _hasher.hash(secrets.token_urlsafe(24))


def login(ctx: Context, username: str, password: str, origin: str | None) -> IssuedToken:
    over = ctx.throttle.attempt(username, origin)
    if over is not None:
        ctx.audit.record(
            None,
            AuditAction.LOGIN_THROTTLED,
            object_type="user",
            object_id=username[:64],
            outcome="denied",
            actor_name=username[:64] or "-",
            detail=f"too many attempts per {over} from {origin}",
        )
        raise TooManyAttempts(detail={"retry_after_seconds": ctx.settings.login_window_seconds})
    principal: Principal | None
    try:
        principal, password_hash, active = ctx.accounts.user(username)
    except NotFound:
        principal, password_hash, active = None, _dummy_hash(), False
    try:
        _hasher.verify(password_hash, password)
        if principal is None or not active:
            raise Unauthenticated()
    except (VerificationError, InvalidHashError, Unauthenticated) as exc:
        ctx.audit.record(
            None,
            AuditAction.LOGIN_FAILED,
            object_type="user",
            object_id=username[:64],
            outcome="denied",
            actor_name=username[:64] or "-",
            detail=origin,
        )
        raise Unauthenticated("Sai tên đăng nhập hoặc mật khẩu") from exc
    if _hasher.check_needs_rehash(password_hash):
        ctx.accounts.set_password_hash(principal.user_id, _hasher.hash(password))
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(minutes=ctx.settings.token_minutes)
    ctx.accounts.add_credential(
        secret_sha256=digest(token),
        user_id=principal.user_id,
        kind="session",
        name=None,
        expires_at=expires_at,
    )
    ctx.audit.record(
        Actor(principal, origin),
        AuditAction.LOGIN,
        object_type="user",
        object_id=principal.username,
    )
    return IssuedToken(token, expires_at)


def issue_api_key(ctx: Context, username: str, name: str) -> str:
    principal, _, _ = ctx.accounts.user(username)
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    ctx.accounts.add_credential(
        secret_sha256=digest(key),
        user_id=principal.user_id,
        kind="api_key",
        name=name,
        expires_at=None,
    )
    ctx.audit.record(
        None,
        AuditAction.KEY_ISSUED,
        object_type="user",
        object_id=username,
        actor_name="system",
        detail=name,
    )
    return key


def authenticate(ctx: Context, secret: str | None) -> Principal:
    """The principal behind a bearer token or API key; Unauthenticated when none is valid."""
    if not secret:
        raise Unauthenticated()
    principal = ctx.accounts.principal_for(digest(secret), datetime.now(UTC))
    if principal is None:
        raise Unauthenticated(
            "Phiên đăng nhập đã hết hạn hoặc không hợp lệ, vui lòng đăng nhập lại"
        )
    return principal


def logout(ctx: Context, secret: str) -> None:
    ctx.accounts.revoke(digest(secret))
