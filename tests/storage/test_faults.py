"""Faults: the S3 server stops mid-upload, an object is corrupted, the process dies between the
object write and the catalog commit. Nothing half-written is left referenced; nothing is lost.
"""

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from models.auth import Role
from models.errors import StoreUnavailable
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from services.sweep import sweep_orphans
from storage.objects import sha256_hex
from tests.backends import S3Server
from tests.conftest import ADMIN, AGENCY, DOSSIER, assert_error_body, sign_in

ROOT = Path(__file__).resolve().parents[2]
PART = 5 * 1024 * 1024


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 400), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _big_png() -> bytes:
    """A valid PNG of ~6.8 MB (random pixels do not compress): two multipart parts of 5 MiB."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3)).save(
        buffer, "PNG", compress_level=0
    )
    return buffer.getvalue()


def _settings(tmp_path: Path, database_url: str, server: S3Server | None) -> Settings:
    s3 = {}
    if server is not None:
        s3 = {
            "object_store": "s3",
            "s3_endpoint": server.endpoint,
            "s3_access_key": "sohoa-test",
            "s3_secret_key": "sohoa-test-secret",
            "s3_bucket": f"faults-{os.urandom(4).hex()}",
            "s3_secure": False,
            "s3_region": "us-east-1",
        }
    return Settings(data_dir=tmp_path / "data", workers=0, database_url=database_url, **s3)


@pytest.fixture
def s3_context(
    tmp_path: Path, database_url: str, own_s3_server: S3Server
) -> Iterator[tuple[Context, S3Server]]:
    ctx = Context.open(_settings(tmp_path, database_url, own_s3_server))
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    yield ctx, own_s3_server
    ctx.close()


class _StopServerMidPut(io.BytesIO):
    """The upload's bytes; stops the S3 server once the store has read its first part.

    Intake reads a stream three times (hash, decode, put); the third pass is the put.
    """

    def __init__(self, data: bytes, server: S3Server) -> None:
        super().__init__(data)
        self.server = server
        self.total = 0
        self.stopped = False

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.total += len(chunk)
        if not self.stopped and self.total > 2 * len(self.getbuffer()) + PART:
            self.server.stop()
            self.stopped = True
        return chunk


def test_s3_stops_mid_upload_then_a_retry_stores_the_scan_once(
    s3_context: tuple[Context, S3Server],
) -> None:
    ctx, server = s3_context
    data = _big_png()
    stream = _StopServerMidPut(data, server)
    with pytest.raises(StoreUnavailable):
        intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [intake.Upload("big.png", stream)])
    assert stream.stopped, "the server was not stopped mid-upload: the test proved nothing"
    assert ctx.catalog.get_dossier(DOSSIER["code"]).links == []  # no half document

    server.start()
    assert list(ctx.store.list("originals/")) == []  # the aborted multipart left no object
    (accepted,) = intake.upload_documents(
        ctx, ADMIN, DOSSIER["code"], [intake.Upload("big.png", io.BytesIO(data))]
    )
    document_id = accepted.id
    (stored,) = ctx.store.list("originals/")
    assert stored.size == len(data)
    document = ctx.catalog.get_document(document_id)
    assert ctx.store.get(document.object_key) == data
    assert [link.document.id for link in ctx.catalog.get_dossier(DOSSIER["code"]).links] == [
        document_id
    ]


def test_api_answers_503_while_s3_is_down_and_the_retry_is_stored_once(
    tmp_path: Path, database_url: str, own_s3_server: S3Server
) -> None:
    settings = _settings(tmp_path, database_url, own_s3_server)
    scan = [("files", ("scan.jpg", _jpeg(), "image/jpeg"))]
    upload = f"/api/v1/dossiers/{DOSSIER['code']}/documents"
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.headers.update(sign_in(client, "clerk", Role.CLERK, AGENCY))
        assert client.post("/api/v1/dossiers", json=DOSSIER).status_code == 201
        own_s3_server.stop()
        error = assert_error_body(client.post(upload, files=scan), 503, "store_unavailable")
        assert "thử lại" in error["message"]
        assert client.get(f"/api/v1/dossiers/{DOSSIER['code']}").json()["documents"] == []
        assert client.get("/healthz").status_code == 503

        own_s3_server.start()
        response = client.post(upload, files=scan)
        assert response.status_code == 202, response.text
        (document_id,) = response.json()["document_ids"]
        # the same bytes again (a clerk's second click): a second document, one object
        assert client.post(upload, files=scan).status_code == 202
        store = client.app.state.context.store  # type: ignore[attr-defined]
        assert len(list(store.list("originals/"))) == 1
        original = client.get(f"/api/v1/documents/{document_id}/original")
        assert original.status_code == 200 and original.content == scan[0][1][1]


def test_a_corrupted_original_is_an_error_on_read_not_silent_data(
    tmp_path: Path, database_url: str
) -> None:
    settings = _settings(tmp_path, database_url, None)
    scan = _jpeg()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.headers.update(sign_in(client, "clerk", Role.CLERK, AGENCY))
        client.post("/api/v1/dossiers", json=DOSSIER)
        response = client.post(
            f"/api/v1/dossiers/{DOSSIER['code']}/documents",
            files=[("files", ("scan.jpg", scan, "image/jpeg"))],
        )
        (document_id,) = response.json()["document_ids"]
        (entry,) = client.app.state.context.store.list("originals/")  # type: ignore[attr-defined]
        path = settings.objects_root / entry.key
        damaged = bytearray(path.read_bytes())
        damaged[len(damaged) // 2] ^= 0xFF  # one flipped bit pattern in the middle
        path.write_bytes(bytes(damaged))
        error = assert_error_body(
            client.get(f"/api/v1/documents/{document_id}/original"), 500, "integrity_error"
        )
        assert error["detail"]["expected_sha256"] == sha256_hex(scan)


@pytest.mark.parametrize("store_kind", ["local", "s3"])
def test_killed_between_object_write_and_commit_then_the_sweep_cleans_up(
    tmp_path: Path, database_url: str, store_kind: str, request: pytest.FixtureRequest
) -> None:
    server: S3Server | None = request.getfixturevalue("s3_server") if store_kind == "s3" else None
    settings = _settings(tmp_path, database_url, server)
    ctx = Context.open(settings)
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    kept_scan = _jpeg()
    (kept,) = intake.upload_documents(
        ctx, ADMIN, DOSSIER["code"], [intake.Upload("kept.jpg", io.BytesIO(kept_scan))]
    )
    kept_id = kept.id
    orphan_scan = _jpeg()
    scan_path = tmp_path / "orphan.jpg"
    scan_path.write_bytes(orphan_scan)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update(
        {
            f"SOHOA_{name.upper()}": (
                value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
            )
            for name, value in settings.model_dump().items()
            if value is not None
        }
    )
    harness = ROOT / "tests" / "storage" / "intake_child.py"
    with subprocess.Popen(
        [sys.executable, str(harness), DOSSIER["code"], str(scan_path)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "OBJECT-WRITTEN"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    orphan_key = f"originals/{sha256_hex(orphan_scan)[:2]}/{sha256_hex(orphan_scan)}"
    assert ctx.store.exists(orphan_key)  # written, never committed
    assert [link.document.id for link in ctx.catalog.get_dossier(DOSSIER["code"]).links] == [
        kept_id
    ]

    young = sweep_orphans(ctx, grace_seconds=3600)  # an upload in flight looks the same
    assert (young.removed, young.kept_young) == ([], 2)
    assert ctx.store.exists(orphan_key)

    report = sweep_orphans(ctx, grace_seconds=0)
    assert report.removed == [orphan_key]
    assert not ctx.store.exists(orphan_key)
    kept = ctx.catalog.get_document(kept_id)
    assert ctx.store.get(kept.object_key) == kept_scan  # nothing referenced is lost
    assert sweep_orphans(ctx, grace_seconds=0).removed == []
    ctx.close()
