"""request ids: the id of the request that queued a document, and of each audited access

Revision ID: 0006a_request_ids
Revises: 0005c_audit_truncate
Create Date: 2026-12-03

A clerk's complaint names a time and a paper; the request id (the `X-Request-ID` the API
answers with, in every log line) ties the upload to the worker that recognised the paper and
to the audit rows of both. Rows before this revision have none. The queue's oldest waiting
document is asked at every metrics scrape: (status, updated_at) answers it from the index.
Adding a nullable column needs no copy of the append-only audit table (its triggers stay).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006a_request_ids"
down_revision = "0005c_audit_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("request_id", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("request_id", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_events_request_id", "audit_events", ["request_id"])
    op.create_index("ix_documents_status_updated_at", "documents", ["status", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_status_updated_at", "documents")
    op.drop_index("ix_audit_events_request_id", "audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("request_id")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("request_id")
