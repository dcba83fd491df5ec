"""The object store interface and its embedded implementation, a local folder.

A `put` is durable when it returns: the bytes are fsync'd and renamed into place (rename is the
commit point, so a reader never sees half an object). Every object carries the sha256 recorded
at write and `get` verifies it, so silent corruption on disk becomes an `IntegrityError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from models.errors import IntegrityError, NotFound, StoreUnavailable


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str
    content_type: str


class ObjectStore(Protocol):
    def put(self, key: str, data: bytes, *, content_type: str) -> ObjectInfo: ...
    def get(self, key: str) -> bytes: ...
    def head(self, key: str) -> ObjectInfo: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str) -> Iterator[str]: ...
    def check(self) -> None: ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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

    def put(self, key: str, data: bytes, *, content_type: str) -> ObjectInfo:
        path = self._path(key)
        info = ObjectInfo(key, len(data), sha256_hex(data), content_type)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Sidecar first, data last: the data file's rename is what makes the object exist.
            _write_atomically(
                path.with_name(path.name + self._META), json.dumps(asdict(info)).encode()
            )
            _write_atomically(path, data)
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc
        return info

    def get(self, key: str) -> bytes:
        info = self.head(key)
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail={"key": key}) from exc
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc
        if sha256_hex(data) != info.sha256:
            raise IntegrityError(detail={"key": key, "expected_sha256": info.sha256})
        return data

    def head(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            if not path.is_file():
                raise FileNotFoundError(key)
            meta = json.loads(path.with_name(path.name + self._META).read_bytes())
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail={"key": key}) from exc
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(detail=f"local store metadata of {key}: {exc}") from exc
        return ObjectInfo(**meta)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        for victim in (path, path.with_name(path.name + self._META)):
            victim.unlink(missing_ok=True)

    def list(self, prefix: str) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.endswith(self._META) and ".tmp-" not in path.name:
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield key

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".healthcheck"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            raise StoreUnavailable(detail=f"local store: {exc.strerror}") from exc


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
