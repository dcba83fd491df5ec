"""Bring a catalog database to the newest schema with Alembic (run at every start: idempotent)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from storage.catalog.database import unavailable_as_ours

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def known(revision: str) -> bool:
    """Whether this code's migrations include `revision` (a catalog from newer code has one
    they do not, and this code cannot read it)."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises its own ResolutionError/CommandError family
        return False


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with unavailable_as_ours(), engine.connect() as connection:
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one (batch mode); with
            # foreign keys enforced, dropping a table other rows point at fails. The pragma only
            # takes effect outside a transaction, hence before begin() and restored after.
            _pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:  # foreign keys were not enforced while migrating: check them now
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys=ON")


def _pragma(connection: Connection, pragma: str) -> None:
    connection.exec_driver_sql(f"PRAGMA {pragma}")
    connection.commit()


def grant_service(owner: Engine, service_url: str) -> None:
    """Let the service's own role (the user of `service_url`) use the catalog the owner role
    migrated: read and write every table, but only insert into and read the audit log.

    The service then cannot UPDATE, DELETE or TRUNCATE audit rows, nor drop the triggers that
    refuse those (only a table's owner may), whatever is injected into it. PostgreSQL only:
    SQLite has no roles (the file's permissions are its only guard).
    """
    if owner.dialect.name != "postgresql":
        return
    role = make_url(service_url).username
    owner_role = owner.url.username
    if not role or role == owner_role:
        return
    quoted = owner.dialect.identifier_preparer.quote(role)
    with unavailable_as_ours(), owner.begin() as connection:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_events FROM {quoted}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {quoted}",
        ):
            connection.execute(text(statement))
