"""A backup folder on disk: `manifest.json`, one catalog dump, and the objects by their sha256.

    DEST/manifest.json                 written last, atomically: the backup exists once it does
    DEST/catalog-<UTC stamp>.sqlite3   (or .pgdump) the catalog named by the manifest
    DEST/objects/<ab>/<abcdef…>        each distinct content once (+ its .meta.json sidecar)

Objects are kept by content, not by their key in the store, so a second backup to the same
folder copies only contents it does not hold yet (docs/backup.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from models.backup import Manifest
from models.errors import InvalidBackup, NotFound, StoreUnavailable
from storage.local import LocalObjectStore, write_durably
from storage.objects import ObjectInfo, VerifiedReader, source_digest

MANIFEST = "manifest.json"
_SPOOL = 16 * 1024 * 1024  # objects up to this size are copied through memory, larger via disk


class BackupFolder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = LocalObjectStore(root / "objects")

    def prepare(self) -> None:
        """Make the folder, refusing one that holds something other than a backup."""
        if self.root.exists() and not self.root.is_dir():
            raise InvalidBackup("Nơi sao lưu không phải là thư mục", detail=str(self.root))
        strangers = (
            [
                p.name
                for p in self.root.iterdir()
                if p.name not in (MANIFEST, "objects") and not p.name.startswith("catalog-")
            ]
            if self.root.is_dir()
            else []
        )
        if strangers and not (self.root / MANIFEST).exists():
            raise InvalidBackup(
                "Thư mục sao lưu phải trống hoặc là một bản sao lưu trước đó",
                detail={"folder": str(self.root), "unexpected": sorted(strangers)[:5]},
            )
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(detail=f"backup folder: {exc.strerror}") from exc

    def read_manifest(self) -> Manifest | None:
        path = self.root / MANIFEST
        try:
            return Manifest.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError) as exc:
            raise InvalidBackup(detail=f"{MANIFEST}: {str(exc)[:300]}") from exc

    def write_manifest(self, manifest: Manifest) -> None:
        write_durably(self.root / MANIFEST, manifest.model_dump_json(indent=1).encode())

    def catalog_path(self, name: str) -> Path:
        return self.root / name

    def digest(self, path: Path) -> tuple[str, int]:
        with path.open("rb") as handle:
            return source_digest(handle)

    def remove_catalogs_but(self, keep: str) -> None:
        """Dumps of earlier backups (and of one that died before its manifest)."""
        for path in self.root.glob("catalog-*"):
            if path.name != keep:
                path.unlink(missing_ok=True)

    @staticmethod
    def _key(sha256: str) -> str:
        return f"{sha256[:2]}/{sha256}"

    def holds(self, sha256: str) -> bool:
        return self.blobs.exists(self._key(sha256))

    def blob(self, sha256: str) -> ObjectInfo | None:
        """What the folder recorded for this content when it copied it, or None."""
        try:
            return self.blobs.head(self._key(sha256))
        except NotFound:
            return None

    def keep(self, sha256: str, reader: VerifiedReader, content_type: str) -> int:
        """Copy an object's content in (verified on the way out of the store and on the way
        in); return its size."""
        with spooled(reader) as copy:
            return self.blobs.put(
                self._key(sha256), copy, content_type=content_type, sha256=sha256
            ).size

    def open(self, sha256: str) -> VerifiedReader:
        return self.blobs.open(self._key(sha256))


def spooled(reader: VerifiedReader) -> BinaryIO:
    """A seekable copy of a verified stream (S3 needs the length before the first byte); the
    stream's digest is checked when it has been read to its end, before anything is written."""
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (returned, closed by the caller)
    try:
        with reader:
            for chunk in reader:
                copy.write(chunk)
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy  # type: ignore[return-value]
