"""search scope: a narrow table of each index row's filter columns (SQLite)

Revision ID: 0004d_search_scope
Revises: 0004b_readings
Create Date: 2026-11-22

Filtering a match by agency, procedure, kind, date or dossier read `search_entries` rows of
~4 KB each (page text, folded copy, fields): one page read per candidate. `search_scope` holds
only the filter columns, keyed by the same id and kept in step by triggers, so scoping a
thousand candidates reads a few pages. PostgreSQL keeps the text and `tsvector` out of line
(TOAST) already: its heap tuples are narrow, and it gets no such table.
"""

from __future__ import annotations

from alembic import op

revision = "0004d_search_scope"
down_revision = "0004b_readings"
branch_labels = None
depends_on = None

_COLUMNS = "id, dossier_code, agency_code, procedure_code, kind_code, received_on"

_SQLITE = [
    """CREATE TABLE search_scope (id INTEGER PRIMARY KEY, dossier_code VARCHAR(40) NOT NULL,
    agency_code VARCHAR(16) NOT NULL, procedure_code VARCHAR(16) NOT NULL,
    kind_code VARCHAR(32), received_on DATE NOT NULL)""",
    f"INSERT INTO search_scope ({_COLUMNS}) SELECT {_COLUMNS} FROM search_entries",
    f"""CREATE TRIGGER search_scope_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_scope ({_COLUMNS}) VALUES (new.id, new.dossier_code, new.agency_code,
    new.procedure_code, new.kind_code, new.received_on); END""",
    """CREATE TRIGGER search_scope_ad AFTER DELETE ON search_entries BEGIN
    DELETE FROM search_scope WHERE id = old.id; END""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER search_scope_ai")
        op.execute("DROP TRIGGER search_scope_ad")
        op.execute("DROP TABLE search_scope")
