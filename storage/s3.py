"""MinIO or any S3 through the `minio` SDK: the production object store.

The sha256 recorded at write travels as object metadata (`x-amz-meta-sha256`) and is checked on
every read. Large objects are streamed in multipart parts; nothing is held whole in memory.

A write whose digest the caller promised (an original, content-addressed: other papers may
reference the same key) goes to a staging key first and is copied into place, server-side, only
once its bytes are proven: bytes that changed on the way never overwrite, and their removal
never deletes, an object someone else references. Staging debris older than the sweep's grace
is removed by the orphan sweep (`remove_debris`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from models.errors import IntegrityError, NotFound, StoreAccessDenied, StoreUnavailable
from storage.objects import (
    CHUNK,
    HashingReader,
    ListedObject,
    ObjectInfo,
    Source,
    VerifiedReader,
    as_stream,
    check_written,
    source_digest,
)

_META_SHA256 = "sha256"
STAGING = "incoming/"
"""Where a promised-digest write waits until its bytes are proven (not an object of ours)."""
_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "NoSuchBucket", "ResourceNotFound"}
_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AllAccessDisabled",
    "AccountProblem",
}


@dataclass(frozen=True)
class S3Config:
    endpoint: str  # host:port, no scheme
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = True
    region: str | None = None
    part_size: int = 16 * 1024 * 1024
    timeout: float = 30.0
    retries: int = 2


@contextmanager
def s3_errors_as_ours(key: str | None = None) -> Iterator[None]:
    """Map the SDK's errors (and urllib3's, for an endpoint that does not answer) to ours."""
    try:
        yield
    except S3Error as exc:
        detail = {"key": key, "s3_code": exc.code}
        if exc.code in _NOT_FOUND:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail=detail) from exc
        if exc.code in _DENIED:
            raise StoreAccessDenied(detail=detail) from exc
        raise StoreUnavailable(detail=detail) from exc
    except InvalidResponseError as exc:  # an error without an S3 XML body: go by the status
        status = getattr(exc, "_code", None)
        detail = {"key": key, "http_status": status}
        if status == 404:
            raise NotFound("Không tìm thấy tệp trong kho lưu trữ", detail=detail) from exc
        if status in (401, 403):
            raise StoreAccessDenied(detail=detail) from exc
        raise StoreUnavailable(detail=detail) from exc
    except (ServerError, MinioException) as exc:
        raise StoreUnavailable(detail={"key": key, "s3": str(exc)[:300]}) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise StoreUnavailable(detail={"key": key, "s3": type(exc).__name__}) from exc


class S3ObjectStore:
    def __init__(self, config: S3Config) -> None:
        self.config = config
        self.bucket = config.bucket
        retry = urllib3.Retry(
            total=config.retries, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]
        )
        self.client = Minio(
            config.endpoint,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=config.secure,
            region=config.region,
            http_client=urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=config.timeout, read=config.timeout),
                retries=retry,
                maxsize=10,
            ),
        )
        self._bucket_ready = False

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (the operator may also create it beforehand)."""
        if self._bucket_ready:
            return
        with s3_errors_as_ours():
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket, location=self.config.region)
                except S3Error as exc:  # another process created it between the two calls
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
        self._bucket_ready = True

    def put(
        self, key: str, source: Source, *, content_type: str, sha256: str | None = None
    ) -> ObjectInfo:
        self.ensure_bucket()
        stream = as_stream(source)
        # The digest goes in the request headers, so it must be known before the first byte.
        declared, size = (sha256, _remaining(stream)) if sha256 else source_digest(source)
        reader = HashingReader(stream)
        target = f"{STAGING}{uuid.uuid4().hex}" if sha256 else key
        with s3_errors_as_ours(key):
            self.client.put_object(
                self.bucket,
                target,
                reader,  # type: ignore[arg-type]
                length=size,
                content_type=content_type,
                metadata={_META_SHA256: declared},
                part_size=self.config.part_size,
                num_parallel_uploads=1,  # one part in memory at a time
            )
        if target != key:
            try:
                check_written(key, declared, reader)
                with s3_errors_as_ours(key):
                    # metadata and content type travel with the copy (COPY directive)
                    self.client.copy_object(self.bucket, key, CopySource(self.bucket, target))
            finally:
                # proven and copied, or not what the caller hashed: the staging copy goes
                self.delete(target)
        return ObjectInfo(key, reader.size, declared, content_type)

    def get(self, key: str) -> bytes:
        with self.open(key) as reader:
            return reader.read_all()

    def open(self, key: str) -> VerifiedReader:
        self.ensure_bucket()
        with s3_errors_as_ours(key):
            response = self.client.get_object(self.bucket, key)

        def close() -> None:
            response.close()
            response.release_conn()

        # One request: the digest and size come from the same response as the bytes.
        try:
            info = _info(key, response.headers)
        except IntegrityError:
            close()
            raise

        def chunks() -> Iterator[bytes]:
            with s3_errors_as_ours(key):
                yield from response.stream(CHUNK)

        return VerifiedReader(info, chunks(), close)

    def head(self, key: str) -> ObjectInfo:
        self.ensure_bucket()
        with s3_errors_as_ours(key):
            stat = self.client.stat_object(self.bucket, key)
        return replace(_info(key, stat.metadata or {}), modified=stat.last_modified)

    def exists(self, key: str) -> bool:
        try:
            self.head(key)
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        self.ensure_bucket()
        with s3_errors_as_ours(key):
            self.client.remove_object(self.bucket, key)

    def list(self, prefix: str) -> Iterator[ListedObject]:
        self.ensure_bucket()
        with s3_errors_as_ours(prefix):
            for entry in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
                if entry.object_name is None or entry.last_modified is None:
                    continue
                yield ListedObject(entry.object_name, entry.size or 0, entry.last_modified)

    def presigned_url(self, key: str, *, expires_seconds: int) -> str:
        self.head(key)  # a URL to nothing would fail later, far from the cause
        with s3_errors_as_ours(key):
            return self.client.presigned_get_object(
                self.bucket, key, expires=timedelta(seconds=expires_seconds)
            )

    def remove_debris(self, older_than: datetime) -> int:
        """Staging copies a crash left between the write and the copy into place. (A cut-off
        multipart upload is not an object: the server expires those itself, MinIO after 24 h;
        on AWS, a lifecycle rule.)"""
        removed = 0
        for entry in list(self.list(STAGING)):
            if entry.modified <= older_than:
                self.delete(entry.key)
                removed += 1
        return removed

    def check(self) -> None:
        self._bucket_ready = False
        self.ensure_bucket()


def _remaining(stream: BinaryIO) -> int:
    """Bytes from the current position to the end of a seekable file."""
    start = stream.tell()
    end = stream.seek(0, 2)
    stream.seek(start)
    return end - start


def _info(key: str, headers: Mapping[str, str]) -> ObjectInfo:
    # urllib3's HTTPHeaderDict: case-insensitive, as HTTP headers are
    get = headers.get
    sha256 = get(f"x-amz-meta-{_META_SHA256}")
    if not sha256:
        # Not written by sohoa (or its metadata was stripped): we cannot vouch for its bytes.
        raise IntegrityError(detail={"key": key, "problem": "no sha256 recorded"})
    return ObjectInfo(
        key,
        int(get("content-length") or 0),
        sha256,
        get("content-type") or "application/octet-stream",
    )
