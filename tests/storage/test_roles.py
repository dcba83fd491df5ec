"""PostgreSQL: the audit log cannot be emptied (TRUNCATE), and the service's role, granted by
the owner role that migrates, may only insert into it and read it, nor drop its triggers."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from tests.backends import POSTGRES_ADMIN_URL, unavailable
from tests.conftest import ADMIN, DOSSIER


@pytest.fixture
def roles() -> Iterator[tuple[str, str]]:
    """A database owned by a fresh owner role, and a fresh service role: (owner URL, service URL)."""
    suffix = uuid.uuid4().hex[:10]
    owner, service, database = f"owner_{suffix}", f"service_{suffix}", f"sohoa_roles_{suffix}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
            connection.execute(text(f'CREATE ROLE "{service}" LOGIN'))
            connection.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
            connection.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
            connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{service}"'))
    except OperationalError as exc:
        admin.dispose()
        unavailable(f"no PostgreSQL answers at {POSTGRES_ADMIN_URL}: {str(exc.orig)[:200]}")
    base = make_url(POSTGRES_ADMIN_URL).set(database=database, password=None)
    urls = (
        base.set(username=owner).render_as_string(hide_password=False),
        base.set(username=service).render_as_string(hide_password=False),
    )
    # the public schema of a new database is the superuser's: hand it to the owner role
    fix = create_engine(
        make_url(POSTGRES_ADMIN_URL).set(database=database), isolation_level="AUTOCOMMIT"
    )
    with fix.connect() as connection:
        connection.execute(text(f'ALTER SCHEMA public OWNER TO "{owner}"'))
    fix.dispose()
    try:
        yield urls
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{service}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def _refused(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with (
            pytest.raises(DBAPIError, match=r"append-only|permission denied|must be owner"),
            engine.begin() as connection,
        ):
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_the_service_role_may_insert_and_read_the_audit_log_and_nothing_more(
    roles: tuple[str, str], tmp_path: Path
) -> None:
    owner_url, service_url = roles
    settings = Settings(
        data_dir=tmp_path, database_url=service_url, migration_database_url=owner_url, workers=0
    )
    ctx = Context.open(settings)
    try:
        # the service works as its own role: dossiers, papers, audit rows
        intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
        buffer = io.BytesIO()
        Image.new("L", (64, 48), 90).save(buffer, "PNG")
        upload = intake.Upload("a.png", io.BytesIO(buffer.getvalue()))
        intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
    finally:
        ctx.close()
    for statement in (
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    ):
        _refused(service_url, statement)
    check = create_engine(service_url)
    with check.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar() >= 2
    check.dispose()


def test_not_even_the_owner_empties_the_audit_log(roles: tuple[str, str], tmp_path: Path) -> None:
    owner_url, _ = roles
    Context.open(Settings(data_dir=tmp_path, database_url=owner_url, workers=0)).close()
    _refused(owner_url, "TRUNCATE audit_events")
