"""search speed: a fields-only FTS5 index (SQLite); narrow rows and a newest-first walk (PostgreSQL)

Revision ID: 0004e_search_speed
Revises: 0004d_search_scope
Create Date: 2026-11-22

Hits rank by tiers (storage.search.index.Tier), one of which is "every word in the dossier's
own fields". On SQLite, asking the page index for words in its fields column still reads the
position lists of every row holding the words anywhere, so `search_fields` indexes the folded
fields alone (external content, kept in step by triggers): its lists are as short as the
fields. On PostgreSQL the fields' words are `@`-marked lexemes of the same vector instead.

PostgreSQL, narrow rows: a broad query (a common name, a two-letter prefix) matches a large
share of the pages, and every match costs a visit to its heap row for the agency filter and
the newest-first order. With the default TOAST target (~2 KB) the page text stayed inline and
a match cost one 8 KB heap page; `toast_tuple_target = 128` moves text and vector out of line
and leaves ~150-byte rows, about fifty to a page. The index on (agency_code, id) lets a query
most pages match walk one agency's rows newest first and stop after the candidates it needs.

The index is derived data: `sohoa search --rebuild` rewrites rows written before this revision
(PostgreSQL: layout and the vector's `@` lexemes).
"""

from __future__ import annotations

from alembic import op

revision = "0004e_search_speed"
down_revision = "0004d_search_scope"
branch_labels = None
depends_on = None

_SQLITE = [
    """CREATE VIRTUAL TABLE search_fields USING fts5(meta_folded,
    content='search_entries', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3')""",
    "INSERT INTO search_fields(search_fields) VALUES ('rebuild')",
    """CREATE TRIGGER search_fields_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fields(rowid, meta_folded) VALUES (new.id, new.meta_folded); END""",
    """CREATE TRIGGER search_fields_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fields(search_fields, rowid, meta_folded)
    VALUES ('delete', old.id, old.meta_folded); END""",
]

_POSTGRES = [
    "ALTER TABLE search_entries SET (toast_tuple_target = 128)",
    "CREATE INDEX ix_search_entries_agency_id ON search_entries (agency_code, id)",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER search_fields_ai")
        op.execute("DROP TRIGGER search_fields_ad")
        op.execute("DROP TABLE search_fields")
    else:
        op.execute("DROP INDEX ix_search_entries_agency_id")
        op.execute("ALTER TABLE search_entries RESET (toast_tuple_target)")
