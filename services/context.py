"""Build the adapters a running sohoa needs from its settings, once per process."""

from __future__ import annotations

from dataclasses import dataclass

from services.settings import Settings
from storage.catalog import migrate
from storage.catalog.accounts import Accounts
from storage.catalog.audit import AuditLog
from storage.catalog.database import make_engine
from storage.catalog.repository import Catalog
from storage.objects import LocalObjectStore, ObjectStore


@dataclass
class Context:
    settings: Settings
    catalog: Catalog
    store: ObjectStore
    accounts: Accounts
    audit: AuditLog

    @classmethod
    def open(cls, settings: Settings) -> Context:
        engine = make_engine(settings.catalog_url)
        migrate.upgrade(engine)
        return cls(
            settings,
            Catalog(engine),
            LocalObjectStore(settings.objects_root),
            Accounts(engine),
            AuditLog(engine),
        )

    def close(self) -> None:
        self.catalog.engine.dispose()
