"""readings: what field extraction read off each paper (kind, key fields with boxes), as JSON

Revision ID: 0004b_readings
Revises: 0004c_reuse
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004b_readings"
down_revision = "0004c_reuse"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("reading", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("reading")
