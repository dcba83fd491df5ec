"""Users and their credentials (session tokens, API keys) in the catalog.

Secrets never reach the database: a credential row holds the sha256 of its secret, so a copy of
the catalog does not let anyone log in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from models.auth import Principal, Role
from models.errors import Conflict, NotFound
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.tables import CredentialRow, UserRow, utcnow


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self._sessions = session_factory(engine)

    def count_users(self) -> int:
        with unavailable_as_ours(), self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)

    def add_user(
        self, *, username: str, password_hash: str, role: Role, agency_code: str | None
    ) -> Principal:
        row = UserRow(
            username=username,
            password_hash=password_hash,
            role=role,
            agency_code=agency_code,
            active=True,
        )
        with unavailable_as_ours(), self._sessions() as session:
            session.add(row)
            try:
                session.commit()
            except SqlIntegrityError as exc:
                raise Conflict("Tên đăng nhập đã tồn tại", detail={"username": username}) from exc
            return _principal(row)

    def user(self, username: str) -> tuple[Principal, str, bool]:
        """The principal, its password hash and whether it is active; NotFound if no such user."""
        with unavailable_as_ours(), self._sessions() as session:
            row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound("Không tìm thấy người dùng", detail={"username": username})
        return _principal(row), row.password_hash, row.active

    def active_principal(self, user_id: int) -> Principal | None:
        with unavailable_as_ours(), self._sessions() as session:
            row = session.get(UserRow, user_id)
        return _principal(row) if row is not None and row.active else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            session.execute(
                update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
            )

    def list_users(self) -> list[Principal]:
        with unavailable_as_ours(), self._sessions() as session:
            return [_principal(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]

    def add_credential(
        self,
        *,
        secret_sha256: str,
        user_id: int,
        kind: str,
        name: str | None,
        expires_at: datetime | None,
    ) -> None:
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            session.add(
                CredentialRow(
                    secret_sha256=secret_sha256,
                    user_id=user_id,
                    kind=kind,
                    name=name,
                    expires_at=expires_at,
                )
            )

    def principal_for(self, secret_sha256: str, now: datetime) -> Principal | None:
        """The active user behind an unexpired, unrevoked credential, or None."""
        with unavailable_as_ours(), self._sessions() as session:
            found = session.execute(
                select(UserRow, CredentialRow.expires_at)
                .join(CredentialRow, CredentialRow.user_id == UserRow.id)
                .where(
                    CredentialRow.secret_sha256 == secret_sha256,
                    CredentialRow.revoked_at.is_(None),
                    UserRow.active.is_(True),
                )
            ).first()
        if found is None:
            return None
        user, expires_at = found
        if expires_at is not None and _aware(expires_at) <= now:
            return None
        return _principal(user)

    def revoke(self, secret_sha256: str) -> None:
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            session.execute(
                update(CredentialRow)
                .where(CredentialRow.secret_sha256 == secret_sha256)
                .values(revoked_at=utcnow())
            )


def _principal(row: UserRow) -> Principal:
    return Principal(
        user_id=row.id, username=row.username, role=Role(row.role), agency_code=row.agency_code
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we write is UTC."""

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
