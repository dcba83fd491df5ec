"""counter: clerks' text corrections on pages, soft removal of a paper from a dossier

Revision ID: 0003
Revises: 0002d
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("corrected_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("corrected_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("dossier_documents") as batch:
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("removed_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier_documents") as batch:
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("corrected_at")
        batch.drop_column("corrected_by")
        batch.drop_column("corrected_text")
