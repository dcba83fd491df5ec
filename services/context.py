"""Build the adapters a running sohoa needs from its settings, once per process.

Switching the object store or the catalog is configuration (`SOHOA_OBJECT_STORE`,
`SOHOA_DATABASE_URL`), never code: this is the one place that reads those settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import StoreUnavailable
from services.dispatch import Dispatcher, Waiting
from services.indexing import Indexer
from services.metrics import Metrics
from services.settings import Settings
from services.throttle import LoginThrottle
from storage.catalog import migrate
from storage.catalog.accounts import Accounts
from storage.catalog.audit import AuditLog
from storage.catalog.database import make_engine
from storage.catalog.papers import Papers
from storage.catalog.queue import WorkQueue
from storage.catalog.reports import Reports
from storage.catalog.repository import Catalog
from storage.local import LocalObjectStore
from storage.objects import ObjectStore
from storage.s3 import S3Config, S3ObjectStore


def open_store(settings: Settings) -> ObjectStore:
    if settings.object_store == "local":
        return LocalObjectStore(settings.objects_root)
    if not settings.s3_access_key or settings.s3_secret_key is None:
        raise StoreUnavailable(
            "Chưa cấu hình khóa truy cập kho lưu trữ S3 (SOHOA_S3_ACCESS_KEY, SOHOA_S3_SECRET_KEY)",
            detail="SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY are required with "
            "SOHOA_OBJECT_STORE=s3",
        )
    # The bucket is made on first use, not here: the API starts (and says 503) while S3 is down.
    return S3ObjectStore(
        S3Config(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            bucket=settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
            part_size=settings.s3_part_size,
        )
    )


@dataclass
class Context:
    settings: Settings
    catalog: Catalog
    store: ObjectStore
    accounts: Accounts
    audit: AuditLog
    papers: Papers
    reports: Reports
    search: Indexer
    queue: WorkQueue = field(init=False)
    dispatcher: Dispatcher = field(default_factory=Waiting)
    """Where committed `queued` documents are sent (services/dispatch.py); the API sets its
    worker pool or Celery here, a backfile its runner."""
    throttle: LoginThrottle = field(init=False)
    metrics: Metrics = field(init=False)

    def __post_init__(self) -> None:
        self.queue = WorkQueue(self.catalog.engine)
        self.metrics = Metrics(backlog=self.queue.backlog)
        # one per process: every request of this API counts against the same limits
        self.throttle = LoginThrottle(
            per_name=self.settings.login_attempts_per_name,
            per_address=self.settings.login_attempts_per_address,
            window_seconds=self.settings.login_window_seconds,
        )

    @classmethod
    def open(cls, settings: Settings) -> Context:
        store = open_store(settings)
        engine = make_engine(settings.catalog_url)
        if settings.migration_database_url:
            # the owner migrates and grants; the service's role cannot alter what it uses
            owner = make_engine(settings.migration_database_url)
            try:
                migrate.upgrade(owner)
                migrate.grant_service(owner, settings.catalog_url)
            finally:
                owner.dispose()
        else:
            migrate.upgrade(engine)
        return cls(
            settings,
            Catalog(engine),
            store,
            Accounts(engine),
            AuditLog(engine),
            Papers(engine),
            Reports(engine),
            Indexer(engine),
        )

    def close(self) -> None:
        self.catalog.engine.dispose()
