"""Back up a running service to a folder, and restore one into an empty service.

A backup is the catalog's dump plus the object store's manifest (every object's key, sha256
and size); the objects themselves are kept by content, so a backup to a folder that holds an
earlier one copies only what is new. The folder's layout is `storage/backup_folder.py`; the
why of each step, docs/backup.md.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from models.backup import (
    FORMAT,
    BackupReport,
    CatalogDump,
    Manifest,
    ManifestObject,
    Progress,
    quiet,
)
from models.errors import IntegrityError, InvalidBackup, NotFound, TargetNotEmpty
from services.context import Context, open_store
from services.settings import Settings
from services.sweep import PREFIXES
from storage.backup_folder import BackupFolder, spooled
from storage.catalog import dump as catalog_dump
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.catalog.inventory import Inventory
from storage.objects import ObjectStore

log = logging.getLogger(__name__)


def sohoa_version() -> str:
    try:
        return version("sohoa")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def backup(ctx: Context, dest: Path, progress: Progress = quiet) -> BackupReport:
    """Copy the catalog and every object to `dest`; objects it already holds are not copied."""
    folder = BackupFolder(dest)
    folder.prepare()
    previous = folder.read_manifest()
    known = {entry.key: entry for entry in previous.objects} if previous else {}

    # The catalog first: every object a row names was written before that row, so the objects
    # listed after the dump include all the dump names. (Unless a sweep takes, meanwhile, the
    # old original of a scan replaced since the dump: docs/backup.md says not to sweep during
    # a backup.)
    created = datetime.now(UTC)
    dialect = catalog_dump.dialect_of(ctx.settings.catalog_url)
    name = f"catalog-{created:%Y%m%dT%H%M%S%fZ}.{catalog_dump.suffix(dialect)}"
    path = folder.catalog_path(name)
    catalog_dump.dump(ctx.catalog.engine, path)
    sha256, size = folder.digest(path)
    catalog = CatalogDump(
        file=name,
        dialect=dialect,
        sha256=sha256,
        size=size,
        revision=Inventory(ctx.catalog.engine).revision(),
    )

    listed = [entry for prefix in PREFIXES for entry in ctx.store.list(prefix)]
    report = BackupReport(objects=len(listed))
    objects = []
    for done, entry in enumerate(listed, start=1):
        prior = known.get(entry.key)
        if prior and (prior.size, prior.modified) == (entry.size, entry.modified):
            item = prior  # unchanged since the last backup: no need to ask the store again
        else:
            try:
                info = ctx.store.head(entry.key)
            except NotFound:  # removed since the listing (the sweep): not part of this backup
                continue
            item = ManifestObject(
                key=entry.key,
                sha256=info.sha256,
                size=info.size,
                content_type=info.content_type,
                modified=entry.modified,
            )
        if not folder.holds(item.sha256):
            try:
                report.copied_bytes += folder.keep(
                    item.sha256, ctx.store.open(entry.key), item.content_type
                )
            except IntegrityError:
                # one rotten object must not cost the night's backup of all the others: it is
                # left out, named, and the command fails after writing the rest
                log.warning("backup: object %s does not match its sha256, left out", entry.key)
                report.corrupt.append(entry.key)
                continue
            except NotFound:  # removed since the listing
                continue
            report.copied += 1
        report.total_bytes += item.size
        objects.append(item)
        progress("objects", done, len(listed))

    report.objects = len(objects)
    folder.write_manifest(
        Manifest(
            sohoa_version=sohoa_version(),
            created=created,
            catalog=catalog,
            objects=objects,
        )
    )
    folder.remove_catalogs_but(name)
    log.info(
        "backup: %d objects (%d copied, %d bytes), catalog %s",
        report.objects,
        report.copied,
        report.copied_bytes,
        catalog.revision,
    )
    return report


def check_complete(folder: BackupFolder) -> Manifest:
    """The folder's manifest, once everything it names is there with the recorded digest and
    size; InvalidBackup naming what is not (restore writes nothing before this passes)."""
    manifest = folder.read_manifest()
    if manifest is None:
        raise InvalidBackup(
            "Không có manifest.json: không phải bản sao lưu, hoặc bản sao lưu chưa xong",
            detail=str(folder.root),
        )
    if manifest.format > FORMAT:
        raise InvalidBackup(detail=f"backup format {manifest.format}; this sohoa reads {FORMAT}")
    revision = manifest.catalog.revision
    if revision is not None and not migrate.known(revision):
        raise InvalidBackup(
            "Bản sao lưu từ phiên bản sohoa mới hơn; hãy cài phiên bản đó để khôi phục",
            detail={"revision": revision, "sohoa_version": manifest.sohoa_version},
        )
    dump = folder.catalog_path(manifest.catalog.file)
    if not dump.is_file() or folder.digest(dump) != (
        manifest.catalog.sha256,
        manifest.catalog.size,
    ):
        raise InvalidBackup(
            detail={"catalog": manifest.catalog.file, "problem": "missing or changed"}
        )
    absent = []
    for entry in manifest.objects:
        blob = folder.blob(entry.sha256)
        if blob is None or (blob.sha256, blob.size) != (entry.sha256, entry.size):
            absent.append(entry.key)
    if absent:
        raise InvalidBackup(
            "Bản sao lưu thiếu tệp",
            detail={"missing_objects": len(absent), "first": absent[:10]},
        )
    return manifest


def restore(
    settings: Settings, src: Path, *, force: bool = False, progress: Progress = quiet
) -> BackupReport:
    """Put the backup in `src` into the service `settings` configure: objects, then catalog.

    Refused (TargetNotEmpty) when that service holds any data, unless `force`: then its catalog
    is replaced and its objects outside the backup stay, as orphans for the sweep. The service
    must be stopped meanwhile.
    """
    folder = BackupFolder(src)
    manifest = check_complete(folder)
    if catalog_dump.dialect_of(settings.catalog_url) != manifest.catalog.dialect:
        raise InvalidBackup(
            "Bản sao lưu thuộc loại cơ sở dữ liệu khác với cấu hình hiện tại",
            detail={
                "backup": manifest.catalog.dialect,
                "target": settings.catalog_url.split(":")[0],
            },
        )
    store = open_store(settings)
    engine = make_engine(settings.migration_database_url or settings.catalog_url)
    try:
        occupied = _occupied(Inventory(engine), store)
        if occupied and not force:
            raise TargetNotEmpty(detail={"holds": occupied})
        report = BackupReport(objects=len(manifest.objects))
        for done, entry in enumerate(manifest.objects, start=1):
            report.total_bytes += entry.size
            if occupied and _has(store, entry):
                continue
            with spooled(folder.open(entry.sha256)) as copy:
                store.put(entry.key, copy, content_type=entry.content_type, sha256=entry.sha256)
            report.copied += 1
            report.copied_bytes += entry.size
            progress("objects", done, len(manifest.objects))
        # the catalog last: interrupted before, the target's catalog names nothing missing
        progress("catalog", 0, 1)
        catalog_dump.load(engine, folder.catalog_path(manifest.catalog.file))
    finally:
        engine.dispose()
    Context.open(settings).close()  # migrate a backup of older code up, grant the service
    progress("catalog", 1, 1)
    log.info("restore: %d objects (%d copied) and the catalog", report.objects, report.copied)
    return report


def _occupied(catalog: Inventory, store: ObjectStore) -> list[str]:
    """What the target already holds: tables with rows, key families with objects."""
    held = catalog.holds_data()
    for prefix in PREFIXES:
        if next(iter(store.list(prefix)), None) is not None:
            held.append(f"objects {prefix}")
    return held


def _has(store: ObjectStore, entry: ManifestObject) -> bool:
    try:
        return store.head(entry.key).sha256 == entry.sha256
    except NotFound:
        return False
