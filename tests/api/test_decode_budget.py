"""Intake's decoding budget through the API: past it, our 4xx body names the file and nothing
is stored (`ocr/decode.py`)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.settings import Settings
from tests.conftest import assert_error_body
from tests.hostile import png_broken_tail, tiff_claiming


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # a millisecond of decoding per file (a 9 Mpx page takes ~10 ms), 10 Mpx per file
    return Settings(
        data_dir=tmp_path / "data", workers=0, decode_timeout=0.001, max_file_pixels=10**7
    )


def _upload(client: TestClient, code: str, name: str, data: bytes) -> object:
    return client.post(
        f"/api/v1/dossiers/{code}/documents", files=[("files", (name, data, "image/png"))]
    )


def test_a_file_slow_to_decode_is_stopped_with_a_422(
    client: TestClient, dossier: dict[str, str]
) -> None:
    # its last row is broken: a decoding that ran to the end would answer corrupt_file
    error = assert_error_body(
        _upload(client, dossier["code"], "slow.png", png_broken_tail()), 422, "decode_timeout"
    )
    assert error["detail"]["file"] == "slow.png"
    assert error["detail"]["reason"]["max_seconds"] == 0.001
    ctx = client.app.state.context  # type: ignore[attr-defined]
    assert list(ctx.store.list("")) == []


def test_the_pixels_of_a_file_are_held_to_the_setting(
    client: TestClient, dossier: dict[str, str]
) -> None:
    # 3 frames of 4 Mpx, each under the page cap, 12 Mpx together
    data = tiff_claiming([(2000, 2000)] * 3)
    error = assert_error_body(
        _upload(client, dossier["code"], "heavy.tif", data), 413, "too_many_pixels"
    )
    assert error["detail"] == {
        "file": "heavy.tif",
        "reason": {"pages": 3, "pixels_at_least": 12_000_000, "max": 10_000_000},
    }
