"""search: page rows of the search index, with SQLite FTS5 or a PostgreSQL tsvector + GIN

Revision ID: 0004a_search
Revises: 0003
Create Date: 2026-11-22

The index is derived data (a rebuild restores it from the catalog), so its tables are outside
the catalog model (`storage.search.index.is_index_table`). Rows already recognised before this
revision are indexed by `sohoa search --rebuild`.
"""

from __future__ import annotations

from alembic import op

revision = "0004a_search"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = """
    document_id VARCHAR(32) NOT NULL,
    page_number INTEGER NOT NULL,
    dossier_code VARCHAR(40) NOT NULL,
    agency_code VARCHAR(16) NOT NULL,
    procedure_code VARCHAR(16) NOT NULL,
    applicant_name VARCHAR(200) NOT NULL,
    kind_code VARCHAR(32),
    received_on DATE NOT NULL,
    text TEXT NOT NULL"""

_SQLITE = [
    f"""CREATE TABLE search_entries (id INTEGER PRIMARY KEY,{_COLUMNS},
    folded TEXT NOT NULL, meta TEXT NOT NULL, meta_folded TEXT NOT NULL)""",
    # external content: the FTS5 table indexes search_entries' columns without a second copy;
    # marks kept by the tokenizer (the folded columns have none to remove); prefix indexes for
    # "Nguy*" queries of 2 and 3 letters and more
    """CREATE VIRTUAL TABLE search_fts USING fts5(text, folded, meta, meta_folded,
    content='search_entries', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0', prefix='2 3')""",
    """CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
    INSERT INTO search_fts(rowid, text, folded, meta, meta_folded)
    VALUES (new.id, new.text, new.folded, new.meta, new.meta_folded); END""",
    """CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
    INSERT INTO search_fts(search_fts, rowid, text, folded, meta, meta_folded)
    VALUES ('delete', old.id, old.text, old.folded, old.meta, old.meta_folded); END""",
]

_POSTGRES = [
    f"CREATE TABLE search_entries (id BIGSERIAL PRIMARY KEY,{_COLUMNS}, tsv TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)
    op.execute("CREATE INDEX ix_search_entries_document_id ON search_entries (document_id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.execute("DROP TABLE search_entries")
