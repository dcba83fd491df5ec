"""SQLAlchemy 2 tables of the catalog. Alembic migrations in `storage/migrations` mirror them.

A document (one paper) belongs to dossiers through `dossier_documents`, not by a column: the same
paper is reused by later dossiers of its owner, linked, never copied.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    links: Mapped[list[DossierDocumentRow]] = relationship(
        back_populates="dossier", order_by="DossierDocumentRow.position"
    )


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    object_key: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    pages: Mapped[list[PageRow]] = relationship(
        back_populates="document", order_by="PageRow.number", cascade="all, delete-orphan"
    )


class DossierDocumentRow(Base):
    __tablename__ = "dossier_documents"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    reused: Mapped[bool] = mapped_column(Boolean, default=False)
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
    result_key: Mapped[str] = mapped_column(String(200))

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
