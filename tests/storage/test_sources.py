"""Backfile sources: a local folder and an S3 prefix (moto's server over real HTTP, minio SDK)."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from minio import Minio
from moto.server import ThreadedMotoServer

from models.errors import FileTooLarge, InvalidInput, NotFound
from storage.sources import LocalFolder, Source, open_source

FILES = {"hop-01/a.png": b"A" * 10, "hop-01/b.pdf": b"B" * 20, "hop-02/c.tif": b"C" * 5}


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def folder(tmp_path: Path) -> LocalFolder:
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / ".DS_Store").write_bytes(b"x")  # hidden files are not papers
    return LocalFolder(tmp_path)


@pytest.fixture
def bucket(s3: str) -> Source:
    client = Minio(s3.removeprefix("http://"), access_key="k", secret_key="s", secure=False)
    client.make_bucket("luu-tru")
    for name, data in {**FILES, "hop-01/.hidden": b"x"}.items():
        client.put_object("luu-tru", f"tinh/nam-1998/{name}", BytesIO(data), len(data))
    client.put_object("luu-tru", "other/x.png", BytesIO(b"x"), 1)
    return open_source(
        "s3://luu-tru/tinh/nam-1998", s3_endpoint=s3, s3_access_key="k", s3_secret_key="s"
    )


@pytest.mark.parametrize("kind", ["folder", "bucket"])
def test_a_source_lists_and_reads_its_files(kind: str, request: pytest.FixtureRequest) -> None:
    source: Source = request.getfixturevalue(kind)
    listed = {f.path: f.size for f in source.files()}
    assert listed == {name: len(data) for name, data in FILES.items()}
    assert source.read("hop-01/b.pdf", max_bytes=20) == b"B" * 20
    with pytest.raises(FileTooLarge):
        source.read("hop-01/b.pdf", max_bytes=19)
    with pytest.raises(NotFound):
        source.read("hop-09/none.png", max_bytes=100)


def test_a_local_path_outside_the_source_is_refused(folder: LocalFolder) -> None:
    with pytest.raises(InvalidInput):
        folder.read("../../etc/passwd", max_bytes=100)


def test_an_s3_source_needs_an_endpoint() -> None:
    with pytest.raises(InvalidInput):
        open_source("s3://luu-tru/x")
    with pytest.raises(NotFound):
        open_source("/no/such/folder")
