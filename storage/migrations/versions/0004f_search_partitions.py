"""search partitions: PostgreSQL's index rows in 16 partitions by the hash of the agency

Revision ID: 0004f_search_partitions
Revises: 0004e_search_speed
Create Date: 2026-11-22

An officer searches one agency's dossiers only. In one table GIN read the posting lists of
every agency's pages and the heap visits of every match, to throw two thirds of them away at
the agency filter: at a million pages a common name's list cost 45-75 ms. Partitioned by the
hash of `agency_code`, an officer's query reads one partition: its posting lists and matches
are that partition's share (measured with one agency's third of the benchmark's rows: 63 ->
22 ms for a common name, 76 -> 37 ms for a name with a two-letter prefix). An administrator's
search over every agency reads all partitions, which costs what one table did.

Hash, not one partition per agency: agencies come and go with the catalog, and a list
partition per agency would be DDL at intake. Sixteen partitions keep an agency's share small
where there are hundreds of agencies (a province) and the planning of a search over all of
them cheap. The primary key must hold the partition key: (id, agency_code), whose leading id
still serves lookups by id and the newest-first walk over every agency.

The tsv column's statistics target goes to 1000 (PostgreSQL keeps ~2 500 instead of ~1 000
most common lexemes): the adapter's cost model takes a word missing from that list as half
as common as the least common in it, which at the default target was 7 % of the pages, so a
personal ID (one dossier's pages) looked common enough to walk the agency's rows for.

SQLite has nothing to partition: nothing changes there. Rows are moved, not rebuilt.
"""

from __future__ import annotations

from alembic import op

revision = "0004f_search_partitions"
down_revision = "0004e_search_speed"
branch_labels = None
depends_on = None

PARTITIONS = 16

# the columns as 0004a created them (a migration keeps its own copy: later code may change)
_COLUMNS = (
    "document_id VARCHAR(32) NOT NULL, page_number INTEGER NOT NULL, "
    "dossier_code VARCHAR(40) NOT NULL, agency_code VARCHAR(16) NOT NULL, "
    "procedure_code VARCHAR(16) NOT NULL, applicant_name VARCHAR(200) NOT NULL, "
    "kind_code VARCHAR(32), received_on DATE NOT NULL, text TEXT NOT NULL, "
    "tsv TSVECTOR NOT NULL"
)
_NAMES = (
    "id, document_id, page_number, dossier_code, agency_code, procedure_code, "
    "applicant_name, kind_code, received_on, text, tsv"
)
_INDEXES = [
    "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (tsv)",
    "CREATE INDEX ix_search_entries_agency_id ON search_entries (agency_code, id)",
    "CREATE INDEX ix_search_entries_document_id ON search_entries (document_id)",
]
_DROP_INDEXES = [
    "DROP INDEX ix_search_entries_tsv",
    "DROP INDEX ix_search_entries_agency_id",
    "DROP INDEX ix_search_entries_document_id",
]


def _move_to(primary_key: str, layout: str, partitions: list[str]) -> None:
    """Rename the table aside, create it again with `primary_key` and `layout` (and the
    `partitions` statements) on the same id sequence, move the rows, then index them (indexes
    are built once, after the rows: a GIN index filled row by row takes many times longer)."""
    # the default 64 MB makes a GIN build over many rows spill and merge many times
    op.execute("SET LOCAL maintenance_work_mem = '512MB'")
    for statement in [
        "ALTER TABLE search_entries RENAME CONSTRAINT search_entries_pkey TO search_old_pkey",
        *_DROP_INDEXES,
        "ALTER TABLE search_entries RENAME TO search_entries_old",
        "ALTER SEQUENCE search_entries_id_seq OWNED BY NONE",
        "CREATE TABLE search_entries (id BIGINT NOT NULL "
        f"DEFAULT nextval('search_entries_id_seq'), {_COLUMNS}, "
        f"CONSTRAINT search_entries_pkey PRIMARY KEY ({primary_key})) {layout}",
        *partitions,
        "ALTER SEQUENCE search_entries_id_seq OWNED BY search_entries.id",
        f"INSERT INTO search_entries ({_NAMES}) SELECT {_NAMES} FROM search_entries_old",
        "DROP TABLE search_entries_old",
        *_INDEXES,
    ]:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _move_to(
        "id, agency_code",
        "PARTITION BY HASH (agency_code)",
        [
            *(
                f"CREATE TABLE search_entries_p{n:02d} PARTITION OF search_entries "
                f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n}) "
                "WITH (toast_tuple_target = 128)"
                for n in range(PARTITIONS)
            ),
            # recurses to the partitions, where ANALYZE (and autovacuum) gather statistics
            "ALTER TABLE search_entries ALTER COLUMN tsv SET STATISTICS 1000",
        ],
    )
    op.execute("ANALYZE search_entries")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _move_to("id", "WITH (toast_tuple_target = 128)", [])
