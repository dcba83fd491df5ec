"""The backfile checkpoint: one `backfile_items` row per source file, in the catalog.

The catalog, not a local file, so that the checkpoint survives the machine and is shared with
the workers; it commits after each file, so a crash loses at most the file in hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update

from models.catalog import DocumentStatus
from storage.catalog.database import session_factory, unavailable_as_ours
from storage.catalog.tables import BackfileItemRow, DocumentRow, utcnow


class ItemStatus:
    """Where a source file is: recorded, its document queued, finished, or failed."""

    PENDING = "pending"
    QUEUED = "queued"
    DONE = "done"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"

    FINISHED = (DONE, NEEDS_REVIEW)


@dataclass(frozen=True)
class Item:
    status: str
    attempts: int


@dataclass(frozen=True)
class Failure:
    path: str
    row: int | None
    error_code: str | None
    message: str | None
    attempts: int


class BackfileLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    def item(self, dossier_code: str, path: str) -> Item | None:
        """Where one source file is, or None when no run has seen it."""
        with unavailable_as_ours(), self._sessions() as session:
            row = session.execute(
                select(BackfileItemRow.status, BackfileItemRow.attempts).where(
                    BackfileItemRow.dossier_code == dossier_code, BackfileItemRow.path == path
                )
            ).first()
        return Item(row.status, row.attempts) if row is not None else None

    def save(self, source: str, dossier_code: str, path: str, **values: object) -> None:
        """Create or update the row of one source file (one commit: the checkpoint)."""
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            row = session.scalar(
                select(BackfileItemRow).where(
                    BackfileItemRow.dossier_code == dossier_code, BackfileItemRow.path == path
                )
            )
            if row is None:
                row = BackfileItemRow(
                    source=source, dossier_code=dossier_code, path=path, attempts=0
                )
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = utcnow()

    def settle(self, document_ids: Sequence[str]) -> list[tuple[str, str, int, str | None]]:
        """Copy finished documents' outcomes onto their items; return (id, status, pages, reason).

        Only documents that are finished are returned; the rest are still queued or running.
        """
        if not document_ids:
            return []
        finished = (DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW, DocumentStatus.FAILED)
        with unavailable_as_ours(), self._sessions() as session, session.begin():
            rows = session.execute(
                select(
                    DocumentRow.id,
                    DocumentRow.status,
                    DocumentRow.page_count,
                    DocumentRow.reason,
                    DocumentRow.attempts,
                ).where(DocumentRow.id.in_(document_ids), DocumentRow.status.in_(finished))
            ).all()
            for document_id, status, _pages, reason, attempts in rows:
                failed = status == DocumentStatus.FAILED
                session.execute(
                    update(BackfileItemRow)
                    .where(BackfileItemRow.document_id == document_id)
                    .values(
                        status=status,
                        attempts=attempts,
                        error_code="recognition_failed" if failed else None,
                        message=reason if failed else None,
                        updated_at=utcnow(),
                    )
                )
        return [(d, s, p, r) for d, s, p, r, _a in rows]

    def failures(self, source: str) -> Iterator[Failure]:
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.execute(
                select(
                    BackfileItemRow.path,
                    BackfileItemRow.line,
                    BackfileItemRow.error_code,
                    BackfileItemRow.message,
                    BackfileItemRow.attempts,
                )
                .where(
                    BackfileItemRow.source == source,
                    BackfileItemRow.status == ItemStatus.FAILED,
                )
                .order_by(BackfileItemRow.line, BackfileItemRow.path)
                .execution_options(yield_per=500)
            )
            for path, line, code, message, attempts in rows:
                yield Failure(path, line, code, message, attempts)

    def counts(self, source: str) -> dict[str, int]:
        with unavailable_as_ours(), self._sessions() as session:
            rows = session.execute(
                select(BackfileItemRow.status, func.count())
                .where(BackfileItemRow.source == source)
                .group_by(BackfileItemRow.status)
            ).all()
        return {status: count for status, count in rows}
