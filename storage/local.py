"""The embedded object store: files under one folder, each with a `.meta.json` sidecar.

A `put` is durable when it returns: the bytes are streamed to a temporary file, fsync'd and
renamed into place (rename is the commit point, so a reader never sees half an object).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from models.errors import NotFound, StoreUnavailable
from storage.objects import (
    CHUNK,
    HashingReader,
    ListedObject,
    ObjectInfo,
    Source,
    VerifiedReader,
    as_stream,
    check_written,
)


class LocalObjectStore:
    """Objects as files under `root`, each with a `.meta.json` sidecar (size, sha256, type)."""

    _META = ".meta.json"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(part in ("", ".", "..") for part in parts) or key.endswith(self._META):
            raise ValueError(f"invalid object key: {key!r}")
        return self.root.joinpath(*parts)

    def _meta(self, path: Path) -> Path:
        return path.with_name(path.name + self._META)

    def put(
        self, key: str, source: Source, *, content_type: str, sha256: str | None = None
    ) -> ObjectInfo:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp, reader = _stream_to_temp(path, as_stream(source))
            try:
                digest = check_written(key, sha256, reader)
                info = ObjectInfo(key, reader.size, digest, content_type)
                # Sidecar first, data last: the data file's rename is what makes the object exist.
                sidecar = {k: v for k, v in asdict(info).items() if k != "modified"}
                meta_tmp, _ = _stream_to_temp(path, io.BytesIO(json.dumps(sidecar).encode()))
                meta_tmp.replace(self._meta(path))
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc
        return info

    def get(self, key: str) -> bytes:
        with self.open(key) as reader:
            return reader.read_all()

    def open(self, key: str) -> VerifiedReader:
        info = self.head(key)
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail={"key": key}) from exc
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc
        return VerifiedReader(info, iter(lambda: handle.read(CHUNK), b""), handle.close)

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            if not path.is_file():
                raise FileNotFoundError(key)
            meta = json.loads(self._meta(path).read_bytes())
            modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail={"key": key}) from exc
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(detail=f"local store metadata of {key}: {exc}") from exc
        return ObjectInfo(**meta, modified=modified)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        # Data first: once it is gone the object does not exist, whatever happens to the sidecar.
        for victim in (path, self._meta(path)):
            victim.unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[ListedObject]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(self._META) and ".tmp-" not in path.name:
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix) and key != ".healthcheck":
                    stat = path.stat()
                    yield ListedObject(
                        key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=UTC)
                    )

    def presigned_url(self, key: str, *, expires_seconds: int) -> str:
        """A `file://` URL: the local folder has no server, so it only works on this machine and
        does not expire (documented in docs/storage.md)."""
        del expires_seconds
        path = self._path(key)
        if not path.is_file():
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail={"key": key})
        return path.resolve().as_uri()

    def remove_debris(self, older_than: datetime) -> int:
        """Temporary files of writes killed midway, and sidecars whose data never arrived."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for path in list(self.root.rglob("*")):
            debris = ".tmp-" in path.name or (
                path.name.endswith(self._META)
                and not path.with_name(path.name.removesuffix(self._META)).exists()
            )
            if not debris or not path.is_file():
                continue
            if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) <= older_than:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".healthcheck"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc


def write_durably(path: Path, data: bytes) -> None:
    """Replace the file at `path` with `data` as `put` does: whole or not at all, on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp, _ = _stream_to_temp(path, io.BytesIO(data))
    try:
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _stream_to_temp(path: Path, source: BinaryIO) -> tuple[Path, HashingReader]:
    """Copy `source` in chunks to a fsync'd temporary file beside `path`; hash on the way."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    tmp = Path(name)
    reader = HashingReader(source)
    try:
        with os.fdopen(fd, "wb") as handle:
            while chunk := reader.read(CHUNK):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, reader


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
