"""SQLAlchemy 2 tables of the catalog. Alembic migrations in `storage/migrations` mirror them.

A document (one paper) belongs to dossiers through `dossier_documents`, not by a column: the same
paper is reused by later dossiers of its owner, linked, never copied.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models import trace

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DossierRow(Base):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(16))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id: Mapped[str] = mapped_column(String(12), index=True)
    agency_code: Mapped[str] = mapped_column(String(16), index=True)
    # the receipt date printed in the code: what the 766 report counts by (not created_at)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    links: Mapped[list[DossierDocumentRow]] = relationship(
        back_populates="dossier", order_by="DossierDocumentRow.position"
    )


class DocumentRow(Base):
    """One paper. Besides the file, the metadata one-stop systems keep (design.md §5); all of it
    is optional at intake, filled by the clerk or by field extraction later."""

    __tablename__ = "documents"
    # the oldest waiting document, asked at every metrics scrape (services/metrics.py)
    __table_args__ = (Index("ix_documents_status_updated_at", "status", "updated_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    object_key: Mapped[str] = mapped_column(String(200), index=True)  # the orphan sweep asks
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the worker recognising it and until when its claim holds (renewed while it works);
    # an expired lease is taken over by another worker (storage/catalog/queue.py)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # the request that queued it (models/trace.py): its worker logs and audits under it
    request_id: Mapped[str | None] = mapped_column(String(64), default=trace.current)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    quality: Mapped[str | None] = mapped_column(
        Text, doc="JSON list, one quality verdict per page (None where not yet assessed)"
    )
    reading: Mapped[str | None] = mapped_column(
        Text, doc="JSON PaperReading: the kind and key fields read off the paper (issue 7)"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # -- metadata of a digitized paper (design.md §5) --
    owner_id: Mapped[str | None] = mapped_column(String(14), index=True)  # CCCD, CMND or MSDN
    # who set owner_id: "intake" (the applicant, a default), "reading" (read off the paper) or
    # "clerk"; a reading replaces intake's default, never a clerk's value
    owner_source: Mapped[str | None] = mapped_column(String(16))
    owner_name: Mapped[str | None] = mapped_column(String(200))
    kind_code: Mapped[str | None] = mapped_column(String(32), index=True)
    number_symbol: Mapped[str | None] = mapped_column(String(64))  # số ký hiệu
    issue_date: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(200))
    signer: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)  # trích yếu
    valid_until: Mapped[date | None] = mapped_column(Date)
    permanent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    validity_scope: Mapped[str | None] = mapped_column(String(200))
    digitized_by: Mapped[str | None] = mapped_column(String(100))
    digitized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # a paper the citizen submitted, or a result the agency issued (kết quả giải quyết)
    role: Mapped[str] = mapped_column(String(16), default="submitted", server_default="submitted")
    # a rescan of a paper digitized before (same owner, kind and key fields): the earlier one's
    # id, offered to the clerk for reuse instead of keeping two copies (services/reuse.py)
    duplicate_of: Mapped[str | None] = mapped_column(String(32))

    pages: Mapped[list[PageRow]] = relationship(
        back_populates="document", order_by="PageRow.number", cascade="all, delete-orphan"
    )


class DossierDocumentRow(Base):
    __tablename__ = "dossier_documents"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    # per dossier component (thành phần hồ sơ): was it digitized here, or reused from before
    reused: Mapped[bool] = mapped_column(Boolean, default=False)
    digitized: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # removed from the dossier by a clerk: kept, hidden, audited (never a hard delete)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    dossier: Mapped[DossierRow] = relationship(back_populates="links")
    document: Mapped[DocumentRow] = relationship()

    __table_args__ = (Index("ix_dossier_documents_document_id", "document_id"),)


class PageRow(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    result_key: Mapped[str] = mapped_column(String(200), index=True)  # the orphan sweep asks
    # a clerk's correction; `text` stays what recognition read
    corrected_text: Mapped[str | None] = mapped_column(Text)
    corrected_by: Mapped[str | None] = mapped_column(String(64))
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    document: Mapped[DocumentRow] = relationship(back_populates="pages")

    __table_args__ = (UniqueConstraint("document_id", "number"),)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    agency_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CredentialRow(Base):
    """A bearer secret: a short-lived session token or a long-lived API key.

    Only the secret's sha256 is stored; the secret itself is shown once, when issued.
    """

    __tablename__ = "credentials"

    secret_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """One access to citizens' data. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16))
    agency_code: Mapped[str | None] = mapped_column(String(16))
    origin: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16), index=True)
    object_type: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dossier_code: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64), index=True, default=trace.current)


class JobRow(Base):
    """A unit of work on a document (recognition today), with its attempts and last error.

    Written with the document in one transaction, so a job exists exactly when its work does.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class BackfileItemRow(Base):
    """One file of a backfile source: the checkpoint that makes a rerun skip what is done.

    Keyed by (dossier code, source path), i.e. by manifest row; `sha256` tells a file changed
    on the shelf since. The document id is derived from that key, so a crash between storing a
    document and recording it here cannot produce a second document on the rerun.
    """

    __tablename__ = "backfile_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(String(1000))
    dossier_code: Mapped[str] = mapped_column(String(40))
    line: Mapped[int | None] = mapped_column(Integer)
    """Line of the manifest (None in the folder-per-dossier convention)."""
    kind: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (UniqueConstraint("dossier_code", "path", name="uq_backfile_items_row"),)
