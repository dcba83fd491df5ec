"""`sohoa sweep`: orphans older than the grace go, referenced objects and young ones stay."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from cli.main import app
from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.settings import Settings
from storage.keys import original_key
from storage.local import LocalObjectStore
from storage.objects import sha256_hex
from tests.conftest import ADMIN, DOSSIER


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with one committed scan and one orphan (as a crash would leave)."""
    monkeypatch.setenv("SOHOA_DATA_DIR", str(tmp_path / "data"))
    ctx = Context.open(Settings())
    intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
    intake.upload_documents(
        ctx, ADMIN, DOSSIER["code"], [intake.Upload("a.jpg", io.BytesIO(_jpeg()))]
    )
    orphan = b"written, never committed"
    ctx.store.put(original_key(sha256_hex(orphan)), orphan, content_type="image/jpeg")
    ctx.close()
    return tmp_path / "data"


def _originals(data_dir: Path) -> int:
    return len(list(LocalObjectStore(data_dir / "objects").list("originals/")))


def test_dry_run_lists_and_removes_nothing_then_the_sweep_removes(data_dir: Path) -> None:
    orphan_key = original_key(sha256_hex(b"written, never committed"))
    runner = CliRunner()
    dry = runner.invoke(app, ["sweep", "--grace", "0", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would remove {orphan_key}" in dry.output
    assert _originals(data_dir) == 2

    kept = runner.invoke(app, ["sweep"])  # default grace: a day; the orphan is seconds old
    assert kept.exit_code == 0 and "removed 0 orphan" in kept.output
    assert "kept 2 younger" in kept.output

    swept = runner.invoke(app, ["sweep", "--grace", "0"])
    assert swept.exit_code == 0, swept.output
    assert f"removed {orphan_key}" in swept.output
    assert _originals(data_dir) == 1


def test_sweep_against_an_unreachable_store_is_one_line_and_exit_6(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SOHOA_DATA_DIR": str(tmp_path / "data"),
        "SOHOA_OBJECT_STORE": "s3",
        "SOHOA_S3_ENDPOINT": "127.0.0.1:9",  # discard port: nothing listens
        "SOHOA_S3_ACCESS_KEY": "k",
        "SOHOA_S3_SECRET_KEY": "s",
        "SOHOA_S3_SECURE": "false",
        "SOHOA_S3_REGION": "us-east-1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "sweep", "--grace", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert run.returncode == 6, run.stderr
    assert run.stderr.startswith("sohoa: ") and run.stderr.count("\n") == 1
    assert "[store_unavailable]" in run.stderr
    assert "Traceback" not in run.stderr
