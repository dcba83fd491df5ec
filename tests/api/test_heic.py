"""HEIC, what iPhones send: accepted at upload and by `sohoa ocr`, read like its PNG twin."""

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

import ocr.load  # noqa: F401  (registers pillow-heif's opener, so Pillow can write HEIC here)
from cli.main import app
from synth.render import RenderedPage
from tests.conftest import assert_error_body, wait_finished


@pytest.fixture(scope="module")
def vietnamese_heic(vietnamese_page: RenderedPage) -> bytes:
    """The PNG fixture's page as a lossless HEIC: the same pixels, another container."""
    buffer = io.BytesIO()
    vietnamese_page.image.save(buffer, "HEIF", quality=-1)
    data = buffer.getvalue()
    assert data[4:12] == b"ftypheic"
    return data


def test_a_heic_page_is_accepted_judged_and_read_like_its_png_twin(
    client: TestClient,
    dossier: dict[str, str],
    vietnamese_png: bytes,
    vietnamese_heic: bytes,
    tmp_path: Path,
) -> None:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[
            ("files", ("IMG_0001.HEIC", vietnamese_heic, "application/octet-stream")),
            ("files", ("giay-to.png", vietnamese_png, "image/png")),
        ],
    )
    assert response.status_code == 202, response.text
    heic, png = response.json()["documents"]
    assert heic["page_count"] == png["page_count"] == 1
    assert heic["quality"] == png["quality"]  # the same verdict at the counter

    texts = []
    for accepted in (heic, png):
        document = wait_finished(client, accepted["id"])
        assert document["status"] == "done", document
        texts.append(client.get(f"/api/v1/documents/{accepted['id']}/text").json()["text"])
    assert texts[0] == texts[1]
    assert client.get(f"/api/v1/documents/{heic['id']}").json()["content_type"] == "image/heic"

    # `sohoa ocr` reads the same file to the same text
    scan = tmp_path / "IMG_0001.heic"
    scan.write_bytes(vietnamese_heic)
    result = CliRunner().invoke(app, ["ocr", str(scan)])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n") == texts[0]


def test_a_truncated_heic_is_our_422_not_a_500(
    client: TestClient, dossier: dict[str, str], vietnamese_heic: bytes
) -> None:
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[
            ("files", ("IMG_0002.HEIC", vietnamese_heic[: len(vietnamese_heic) // 2], "image/heic"))
        ],
    )
    assert_error_body(response, 422, "corrupt_file")


def test_a_heic_cut_in_its_header_is_our_422_too(
    client: TestClient, dossier: dict[str, str]
) -> None:
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buffer, "HEIF")
    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("IMG_0003.HEIC", buffer.getvalue()[:40], "image/heic"))],
    )
    assert_error_body(response, 422, "corrupt_file")
