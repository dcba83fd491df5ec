"""Where a backfile reads its files from: a local folder or an S3/MinIO prefix, one interface.

A source lists files lazily (path relative to the source, size) and reads one file at a time
with a byte cap, so a source of any size costs the same memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from minio import Minio
from minio.error import S3Error
from urllib3.exceptions import HTTPError

from models.errors import FileTooLarge, InvalidInput, NotFound, StoreUnavailable


@dataclass(frozen=True)
class SourceFile:
    path: str
    """Relative to the source, '/'-separated (the manifest's `file` column)."""
    size: int


class Source(Protocol):
    name: str
    """What the checkpoint records as the source (folder path or s3:// URL)."""

    def files(self) -> Iterator[SourceFile]: ...
    def read(self, path: str, max_bytes: int) -> bytes: ...


def _too_large(path: str, size: int, max_bytes: int) -> FileTooLarge:
    return FileTooLarge(detail={"file": path, "bytes": size, "max": max_bytes})


class LocalFolder:
    """A folder on this machine (or a mounted share); hidden files and folders are skipped."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise NotFound("Không tìm thấy thư mục nguồn", detail={"source": str(root)})
        self.root = root.resolve()
        self.name = str(self.root)

    def files(self) -> Iterator[SourceFile]:
        # os.walk streams directory by directory; sorted so that runs see files in one order
        for folder, subfolders, names in os.walk(self.root):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                full = Path(folder) / name
                if full.is_file():
                    yield SourceFile(full.relative_to(self.root).as_posix(), full.stat().st_size)

    def read(self, path: str, max_bytes: int) -> bytes:
        full = (self.root / path).resolve()
        if not full.is_relative_to(self.root):  # a manifest row like ../../etc/passwd
            raise InvalidInput("Đường dẫn tệp nằm ngoài thư mục nguồn", detail={"file": path})
        try:
            with full.open("rb") as stream:
                data = stream.read(max_bytes + 1)
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp trong nguồn", detail={"file": path}) from exc
        except OSError as exc:
            raise StoreUnavailable(detail={"file": path, "error": exc.strerror}) from exc
        if len(data) > max_bytes:
            raise _too_large(path, len(data), max_bytes)
        return data


class S3Prefix:
    """Every object under `s3://bucket/prefix`, read with the minio SDK."""

    def __init__(self, client: Minio, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.name = f"s3://{bucket}/{self.prefix}"

    def files(self) -> Iterator[SourceFile]:
        try:
            # list_objects pages through the listing lazily (1000 keys per request)
            for obj in self.client.list_objects(self.bucket, prefix=self.prefix, recursive=True):
                if obj.is_dir or obj.object_name is None:
                    continue
                relative = obj.object_name[len(self.prefix) :]
                if any(part.startswith(".") for part in relative.split("/")):
                    continue
                yield SourceFile(relative, obj.size or 0)
        except S3Error as exc:
            raise _mapped(exc, self.name) from exc
        except HTTPError as exc:
            raise StoreUnavailable(detail={"source": self.name, "error": str(exc)}) from exc

    def read(self, path: str, max_bytes: int) -> bytes:
        key = self.prefix + path
        try:
            response = self.client.get_object(self.bucket, key)
            try:
                data = response.read(max_bytes + 1)
            finally:
                response.close()
                response.release_conn()
        except S3Error as exc:
            raise _mapped(exc, path) from exc
        except HTTPError as exc:
            raise StoreUnavailable(detail={"file": path, "error": str(exc)}) from exc
        if len(data) > max_bytes:
            raise _too_large(path, len(data), max_bytes)
        return data


def _mapped(exc: S3Error, what: str) -> Exception:
    if exc.code in ("NoSuchKey", "NoSuchBucket"):
        return NotFound("Không tìm thấy tệp trong nguồn", detail={"file": what, "s3": exc.code})
    return StoreUnavailable(detail={"source": what, "s3": exc.code})


def open_source(
    location: str,
    *,
    s3_endpoint: str | None = None,
    s3_access_key: str | None = None,
    s3_secret_key: str | None = None,
) -> Source:
    """A local folder path, or `s3://bucket/prefix` on the endpoint `http(s)://host:port`."""
    if not location.startswith("s3://"):
        return LocalFolder(Path(location))
    parts = urlsplit(location)
    if not parts.netloc:
        raise InvalidInput("Nguồn S3 phải có dạng s3://bucket/prefix", detail={"source": location})
    if not s3_endpoint:
        raise InvalidInput(
            "Thiếu địa chỉ máy chủ S3 (SOHOA_SOURCE_S3_ENDPOINT)", detail={"source": location}
        )
    endpoint = urlsplit(s3_endpoint)
    client = Minio(
        endpoint.netloc or endpoint.path,
        access_key=s3_access_key,
        secret_key=s3_secret_key,
        secure=endpoint.scheme == "https",
    )
    return S3Prefix(client, parts.netloc, parts.path)
