"""reuse: receipt date of a dossier (for the 766 report), near-duplicate link of a paper

Revision ID: 0004c_reuse
Revises: 0004a_search
Create Date: 2026-11-22
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0004c_reuse"
down_revision = "0004a_search"
branch_labels = None
depends_on = None


def _received_on(code: str) -> date:
    # the code's shape was checked at creation: AGENCY-YYMMDD-NNNN (models.codes.received_on,
    # copied here because a migration must not change when the code it imports does)
    yymmdd = code.split("-")[1]
    return date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("received_on", sa.Date(), nullable=True))
    dossiers = sa.table(
        "dossiers", sa.column("id", sa.Integer), sa.column("code"), sa.column("received_on")
    )
    connection = op.get_bind()
    for row_id, code in connection.execute(sa.select(dossiers.c.id, dossiers.c.code)).all():
        connection.execute(
            dossiers.update()
            .where(dossiers.c.id == row_id)
            .values(received_on=_received_on(code))
        )
    with op.batch_alter_table("dossiers") as batch:
        batch.alter_column("received_on", existing_type=sa.Date(), nullable=False)
        batch.create_index("ix_dossiers_received_on", ["received_on"])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("duplicate_of")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index("ix_dossiers_received_on")
        batch.drop_column("received_on")
