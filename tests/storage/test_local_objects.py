from pathlib import Path

import pytest

from models.errors import IntegrityError, NotFound
from storage.keys import original_key
from storage.objects import LocalObjectStore, sha256_hex


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects")


def test_put_then_get_round_trips_with_sha256(store: LocalObjectStore) -> None:
    key = original_key(sha256_hex(b"scan"))
    info = store.put(key, b"scan", content_type="image/png")
    assert info.sha256 == sha256_hex(b"scan") and info.size == 4
    assert store.get(key) == b"scan"
    assert store.head(key) == info
    assert list(store.list("originals/")) == [key]


def test_a_changed_byte_on_disk_is_an_integrity_error(store: LocalObjectStore) -> None:
    store.put("originals/ab/x", b"scan", content_type="image/png")
    (store.root / "originals" / "ab" / "x").write_bytes(b"scam")
    with pytest.raises(IntegrityError):
        store.get("originals/ab/x")


def test_missing_object_is_not_found(store: LocalObjectStore) -> None:
    with pytest.raises(NotFound):
        store.get("originals/00/none")
    assert not store.exists("originals/00/none")


def test_delete_removes_data_and_metadata(store: LocalObjectStore) -> None:
    store.put("a/b", b"1", content_type="text/plain")
    store.delete("a/b")
    assert not store.exists("a/b")
    assert list(store.root.rglob("*b*")) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "a/../../b", "/abs", "", "a//b", "x.meta.json"])
def test_keys_cannot_escape_the_root(store: LocalObjectStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"1", content_type="text/plain")


def test_no_temporary_file_is_left_behind(store: LocalObjectStore) -> None:
    for i in range(3):
        store.put(f"k/{i}", b"x" * 1000, content_type="application/octet-stream")
    assert [p.name for p in store.root.rglob("*tmp*")] == []


def test_original_keys_are_content_addressed() -> None:
    digest = sha256_hex(b"a")
    assert original_key(digest) == f"originals/{digest[:2]}/{digest}"
    with pytest.raises(ValueError):
        original_key("not-a-digest")
