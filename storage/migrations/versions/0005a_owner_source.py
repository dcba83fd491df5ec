"""owner source: who set a paper's owner (intake's default, a reading, or a clerk)

Revision ID: 0005a_owner_source
Revises: 0004f_search_partitions
Create Date: 2026-12-03

At intake a paper is filed under the applicant; a child's birth paper carries the child's ID,
which extraction reads and a clerk may type. The reading may replace intake's default, never a
clerk's value: the column says which one the owner is. Rows before it are intake's defaults.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005a_owner_source"
down_revision = "0004f_search_partitions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("owner_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("owner_source")
