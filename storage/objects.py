"""The object store interface, the sha256-verifying reader both stores share, and a factory.

Two implementations: the local folder (`storage.local`, embedded default) and MinIO/S3 through
the `minio` SDK (`storage.s3`). Both record the sha256 at write and verify it on every read.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol

from models.errors import IntegrityError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str
    content_type: str
    # when the store last wrote it (head); not part of an object's identity
    modified: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ListedObject:
    """One entry of a listing: enough to decide whether an unreferenced object is old enough."""

    key: str
    size: int
    modified: datetime


Source = bytes | BinaryIO


class ObjectStore(Protocol):
    def put(
        self, key: str, source: Source, *, content_type: str, sha256: str | None = None
    ) -> ObjectInfo:
        """Store `source` (bytes, or a seekable binary file streamed in chunks) under `key`.

        `sha256`, when given, is what the caller hashed: the store hashes again while writing
        and refuses (IntegrityError) bytes that changed on the way.
        """
        ...

    def get(self, key: str) -> bytes: ...
    def open(self, key: str) -> VerifiedReader: ...
    def head(self, key: str) -> ObjectInfo: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def list(self, prefix: str) -> Iterator[ListedObject]: ...
    def presigned_url(self, key: str, *, expires_seconds: int) -> str: ...
    def check(self) -> None: ...
    def remove_debris(self, older_than: datetime) -> int:
        """Remove what interrupted writes left that is not an object (older than the cutoff);
        return how many pieces. Part of the orphan sweep."""
        ...


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_digest(source: Source) -> tuple[str, int]:
    """sha256 and size of bytes, or of a seekable file (read once in chunks, then rewound)."""
    if isinstance(source, bytes):
        return sha256_hex(source), len(source)
    digest = hashlib.sha256()
    start = source.tell()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    source.seek(start)
    return digest.hexdigest(), size


def as_stream(source: Source) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


class HashingReader:
    """A file-like wrapper that hashes what is read through it (the bytes actually sent)."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._inner.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class VerifiedReader:
    """Streams an object's bytes and raises IntegrityError at the end if they are not the ones
    recorded at write (digest or size). Use as a context manager; `read_all` for small objects.
    """

    def __init__(
        self,
        info: ObjectInfo,
        chunks: Iterator[bytes],
        close: Callable[[], None],
    ) -> None:
        self.info = info
        self._chunks = chunks
        self._close = close
        self._digest = hashlib.sha256()
        self._size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._digest.update(chunk)
            self._size += len(chunk)
            yield chunk
        self._verify()

    def read_all(self) -> bytes:
        return b"".join(self)

    def _verify(self) -> None:
        actual = self._digest.hexdigest()
        if actual != self.info.sha256 or self._size != self.info.size:
            raise IntegrityError(
                detail={
                    "key": self.info.key,
                    "expected_sha256": self.info.sha256,
                    "actual_sha256": actual,
                    "expected_size": self.info.size,
                    "actual_size": self._size,
                }
            )

    def close(self) -> None:
        self._close()

    def __enter__(self) -> VerifiedReader:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()


def check_written(key: str, expected: str | None, reader: HashingReader) -> str:
    """The digest of what was written; IntegrityError if the caller promised another."""
    actual = reader.digest.hexdigest()
    if expected is not None and actual != expected:
        raise IntegrityError(
            "Dữ liệu thay đổi trong khi ghi, vui lòng gửi lại",
            detail={"key": key, "expected_sha256": expected, "actual_sha256": actual},
        )
    return actual
