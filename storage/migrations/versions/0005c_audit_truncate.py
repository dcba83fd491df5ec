"""audit truncate: TRUNCATE of the audit log is refused like UPDATE and DELETE (PostgreSQL)

Revision ID: 0005c_audit_truncate
Revises: 0005b_leases
Create Date: 2026-12-03

The row triggers of 0002c stop UPDATE and DELETE; TRUNCATE fires no row trigger and emptied the
log. A statement trigger refuses it too. (SQLite has no TRUNCATE: its DELETE trigger covers
it.) The privileges that keep the service's own role from dropping these triggers are granted
by `storage.catalog.migrate.grant_service` (docs/security.md).
"""

from __future__ import annotations

from alembic import op

revision = "0005c_audit_truncate"
down_revision = "0005b_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
