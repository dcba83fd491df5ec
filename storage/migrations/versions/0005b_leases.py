"""leases: who holds a document being recognised, and until when

Revision ID: 0005b_leases
Revises: 0005a_owner_source
Create Date: 2026-12-03

A claim was a status alone: a restarting replica put back every `processing` row of a shared
catalog, those other replicas were reading included, and nothing told a dead holder from a live
one. A claim now names its holder and lasts until `lease_until`, renewed while the work goes on;
an expired lease is taken over, a live one is left alone. Rows in `processing` before this
revision get an expired lease: their holder is the process that ran the migration's predecessor.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005b_leases"
down_revision = "0005a_owner_source"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_documents_lease_until", ["lease_until"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_lease_until")
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
