"""The orphan sweep: remove objects no catalog row references, once they are older than a grace.

Intake writes an object before the row that references it, so a crash in between leaves an
orphan; so does an upload still in flight, which is why young objects are always kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice

from models.errors import NotFound
from services.context import Context
from storage.objects import ListedObject

# Every key family the catalog references (docs/storage.md); anything else is not ours to sweep.
PREFIXES = ("originals/", "documents/")
_BATCH = 500


@dataclass
class SweepReport:
    scanned: int = 0
    kept_young: int = 0
    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    debris: int = 0  # temporary files and the like of interrupted writes
    dry_run: bool = False


def sweep_orphans(
    ctx: Context, *, grace_seconds: int, dry_run: bool = False, now: datetime | None = None
) -> SweepReport:
    """Delete (or, with `dry_run`, only list) unreferenced objects older than the grace."""
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=grace_seconds)
    report = SweepReport(dry_run=dry_run)
    for prefix in PREFIXES:
        for batch in _batches(ctx.store.list(prefix)):
            report.scanned += len(batch)
            old = [entry for entry in batch if entry.modified <= cutoff]
            report.kept_young += len(batch) - len(old)
            referenced = ctx.catalog.referenced(entry.key for entry in old)
            for entry in old:
                if entry.key in referenced or not _still_old(ctx, entry.key, cutoff):
                    continue
                if not dry_run:
                    ctx.store.delete(entry.key)
                report.removed.append(entry.key)
                report.removed_bytes += entry.size
    if not dry_run:
        report.debris = ctx.store.remove_debris(cutoff)
    return report


def _still_old(ctx: Context, key: str, cutoff: datetime) -> bool:
    """Look again just before deleting: intake rewrites an unreferenced original it needs
    (which renews its age), so an object written since the listing is left alone."""
    try:
        modified = ctx.store.head(key).modified
    except NotFound:
        return False
    return modified is not None and modified <= cutoff


def _batches(entries: Iterator[ListedObject]) -> Iterator[list[ListedObject]]:
    while batch := list(islice(entries, _BATCH)):
        yield batch
