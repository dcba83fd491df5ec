"""backfile: the checkpoint of bulk imports, one row per source file (manifest row)

Revision ID: 0002d
Revises: 0002c (already on main when this branch was cut; the lead re-chains at merge)
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002d"
down_revision = "0002c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backfile_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("dossier_code", sa.String(length=40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("document_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfile_items")),
        sa.UniqueConstraint("dossier_code", "path", name="uq_backfile_items_row"),
    )
    with op.batch_alter_table("backfile_items") as batch:
        batch.create_index(batch.f("ix_backfile_items_document_id"), ["document_id"], unique=False)
        batch.create_index(batch.f("ix_backfile_items_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("backfile_items")
