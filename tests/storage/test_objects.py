"""One contract, two object stores: the local folder and MinIO/S3 (over HTTP, against moto)."""

import hashlib
import io
import os
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.errors import IntegrityError, NotFound, StoreAccessDenied, StoreUnavailable
from storage.keys import original_key
from storage.local import LocalObjectStore
from storage.objects import ObjectStore, sha256_hex
from storage.s3 import STAGING, S3ObjectStore
from tests.backends import S3Server, free_port


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalObjectStore(tmp_path / "objects")
    s3: S3ObjectStore = request.getfixturevalue("s3_store")
    return s3


def test_put_then_get_round_trips_with_sha256(store: ObjectStore) -> None:
    key = original_key(sha256_hex(b"scan"))
    info = store.put(key, b"scan", content_type="image/png")
    assert info.sha256 == sha256_hex(b"scan") and info.size == 4
    assert store.get(key) == b"scan"
    assert store.head(key) == info
    assert [entry.key for entry in store.list("originals/")] == [key]
    assert [entry.size for entry in store.list("")] == [4]
    assert store.exists(key)


def test_a_large_file_streams_in_parts_and_reads_back_verified(
    store: ObjectStore, tmp_path: Path
) -> None:
    # 11 MiB over a 5 MiB part size: three multipart parts on S3
    path = tmp_path / "big.tif"
    path.write_bytes(os.urandom(11 * 1024 * 1024))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as handle:
        info = store.put("originals/big", handle, content_type="image/tiff", sha256=digest)
    assert (info.size, info.sha256) == (11 * 1024 * 1024, digest)
    with store.open("originals/big") as reader:
        streamed = hashlib.sha256()
        chunks = 0
        for chunk in reader:
            streamed.update(chunk)
            chunks += 1
    assert streamed.hexdigest() == digest
    assert chunks > 1  # it came in pieces, not whole


def test_bytes_that_differ_from_the_callers_digest_are_refused(store: ObjectStore) -> None:
    with pytest.raises(IntegrityError):
        store.put("originals/x", io.BytesIO(b"scan"), content_type="image/png", sha256="0" * 64)
    assert not store.exists("originals/x")


def test_missing_object_is_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFound):
        store.get("originals/00/none")
    with pytest.raises(NotFound):
        store.head("originals/00/none")
    with pytest.raises(NotFound):
        store.presigned_url("originals/00/none", expires_seconds=60)
    assert not store.exists("originals/00/none")


def test_delete_removes_the_object(store: ObjectStore) -> None:
    store.put("a/b", b"1", content_type="text/plain")
    store.put("a/c", b"2", content_type="text/plain")
    store.delete("a/b")
    assert not store.exists("a/b")
    assert [entry.key for entry in store.list("a/")] == ["a/c"]


def test_list_filters_by_prefix(store: ObjectStore) -> None:
    for key in ("originals/aa/1", "originals/bb/2", "documents/d/pages/0001.json"):
        store.put(key, key.encode(), content_type="text/plain")
    assert sorted(e.key for e in store.list("originals/")) == ["originals/aa/1", "originals/bb/2"]
    assert [e.key for e in store.list("documents/d/")] == ["documents/d/pages/0001.json"]
    assert all(e.modified.tzinfo is not None for e in store.list(""))


def test_presigned_url_serves_the_object(store: ObjectStore) -> None:
    store.put("originals/p", b"presigned bytes", content_type="image/png")
    url = store.presigned_url("originals/p", expires_seconds=60)
    with urllib.request.urlopen(url, timeout=10) as response:  # file:// or http://
        assert response.read() == b"presigned bytes"


def test_a_changed_byte_on_disk_is_an_integrity_error(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    store.put("originals/ab/x", b"scan", content_type="image/png")
    (store.root / "originals" / "ab" / "x").write_bytes(b"scam")
    with pytest.raises(IntegrityError):
        store.get("originals/ab/x")


def test_a_changed_object_on_s3_is_an_integrity_error(s3_store: S3ObjectStore) -> None:
    s3_store.put("originals/ab/x", b"scan", content_type="image/png")
    # Someone overwrites the bytes behind our back but keeps our recorded digest.
    s3_store.client.put_object(
        s3_store.bucket,
        "originals/ab/x",
        io.BytesIO(b"scam"),
        4,
        metadata={"sha256": sha256_hex(b"scan")},
    )
    with pytest.raises(IntegrityError) as caught:
        s3_store.get("originals/ab/x")
    assert caught.value.detail["actual_sha256"] == sha256_hex(b"scam")


def test_an_s3_object_without_a_recorded_digest_is_not_trusted(s3_store: S3ObjectStore) -> None:
    s3_store.ensure_bucket()
    s3_store.client.put_object(s3_store.bucket, "originals/foreign", io.BytesIO(b"x"), 1)
    with pytest.raises(IntegrityError):
        s3_store.get("originals/foreign")


def test_the_bucket_is_created_when_missing(s3_server: S3Server) -> None:
    store = S3ObjectStore(s3_server.config(bucket="made-by-sohoa"))
    assert not store.client.bucket_exists("made-by-sohoa")
    store.check()
    assert store.client.bucket_exists("made-by-sohoa")


def test_an_unreachable_endpoint_is_store_unavailable(s3_server: S3Server) -> None:
    store = S3ObjectStore(s3_server.config(endpoint=f"127.0.0.1:{free_port()}", timeout=1.0))
    for call in (store.check, lambda: store.put("k", b"x", content_type="text/plain")):
        with pytest.raises(StoreUnavailable) as caught:
            call()
        assert caught.value.http_status == 503


def test_access_denied_is_mapped(s3_store: S3ObjectStore) -> None:
    # moto answers AccessDenied for a bucket policy that denies everything
    s3_store.ensure_bucket()
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",'
        f'"Action":"s3:GetObject","Resource":"arn:aws:s3:::{s3_store.bucket}/*"}}]}}'
    )
    s3_store.client.set_bucket_policy(s3_store.bucket, policy)
    s3_store.put("originals/denied", b"x", content_type="text/plain")
    with pytest.raises(StoreAccessDenied):
        s3_store.get("originals/denied")


@pytest.mark.parametrize("key", ["../etc/passwd", "a/../../b", "/abs", "", "a//b", "x.meta.json"])
def test_local_keys_cannot_escape_the_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        LocalObjectStore(tmp_path).put(key, b"1", content_type="text/plain")


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    for i in range(3):
        store.put(f"k/{i}", io.BytesIO(b"x" * 1000), content_type="application/octet-stream")
    with pytest.raises(IntegrityError):
        store.put("k/bad", b"y", content_type="text/plain", sha256="0" * 64)
    assert [p.name for p in store.root.rglob("*tmp*")] == []


def test_original_keys_are_content_addressed() -> None:
    digest = sha256_hex(b"a")
    assert original_key(digest) == f"originals/{digest[:2]}/{digest}"
    with pytest.raises(ValueError):
        original_key("not-a-digest")


def test_a_refused_write_leaves_the_object_another_paper_references(store: ObjectStore) -> None:
    """Originals are content-addressed: the key may already hold another paper's original.
    Bytes that changed on the way must neither overwrite nor delete it."""
    key = original_key(sha256_hex(b"scan"))
    store.put(key, b"scan", content_type="image/png", sha256=sha256_hex(b"scan"))
    with pytest.raises(IntegrityError):
        store.put(key, io.BytesIO(b"scam"), content_type="image/png", sha256=sha256_hex(b"scan"))
    assert store.get(key) == b"scan"
    assert [entry.key for entry in store.list("")] == [key]  # no staging copy left either


def test_staging_copies_a_crash_left_are_swept_as_debris(s3_store: S3ObjectStore) -> None:
    s3_store.ensure_bucket()
    s3_store.client.put_object(s3_store.bucket, STAGING + "left", io.BytesIO(b"x"), 1)
    s3_store.put("documents/d/document.pdf", b"kept", content_type="application/pdf")
    later = datetime.now(UTC) + timedelta(hours=1)
    assert s3_store.remove_debris(later) == 1
    assert [entry.key for entry in s3_store.list("")] == ["documents/d/document.pdf"]
