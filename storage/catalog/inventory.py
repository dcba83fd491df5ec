"""What the catalog says about the object store and about itself, for backup and verify-store:
the objects its rows name, whether it holds any data, and its migration revision."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, func, inspect, select, text

from storage.catalog.database import unavailable_as_ours
from storage.catalog.tables import (
    AuditRow,
    BackfileItemRow,
    DocumentRow,
    DossierRow,
    PageRow,
    UserRow,
)

_DATA = (DossierRow, DocumentRow, UserRow, AuditRow, BackfileItemRow)
"""The tables whose rows make a service "not empty" (the rest hang off these)."""
_PAGE = 5000


class Inventory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def named_objects(self) -> Iterator[tuple[str, str | None]]:
        """Every object key a row names, once, with the sha256 the catalog knows for it: an
        original's is its document's `sha256`; a page result's is only in the store (None).

        A page's hOCR and the searchable PDF are not named by a column (they exist when
        recognition made them), so they are not listed here; `Catalog.referenced` keeps them
        from being called orphans.
        """
        with unavailable_as_ours(), self.engine.connect() as connection:
            originals = select(DocumentRow.object_key, func.min(DocumentRow.sha256)).group_by(
                DocumentRow.object_key
            )
            for key, sha256 in connection.execute(originals.order_by(DocumentRow.object_key)):
                yield key, sha256
            results = select(PageRow.result_key).distinct().order_by(PageRow.result_key)
            for (key,) in connection.execute(results):
                yield key, None

    def holds_data(self) -> list[str]:
        """The tables that hold rows (empty list: a new service, safe to restore into)."""
        with unavailable_as_ours(), self.engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            return [
                row.__tablename__
                for row in _DATA
                if row.__tablename__ in present
                and connection.execute(select(func.count()).select_from(row)).scalar_one() > 0
            ]

    def revision(self) -> str | None:
        """The Alembic revision the catalog is at (None: not migrated)."""
        with unavailable_as_ours(), self.engine.connect() as connection:
            if "alembic_version" not in inspect(connection).get_table_names():
                return None
            value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return str(value) if value is not None else None
