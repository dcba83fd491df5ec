"""`sohoa ocr`, driven in-process and as a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from ocr.pdfa import problems
from synth.metrics import cer
from synth.render import RenderedPage
from tests.conftest import wait_finished

SOHOA = [sys.executable, "-m", "cli.main"]


def test_cli_gives_the_same_text_as_the_api(
    tmp_path: Path,
    client: TestClient,
    dossier: dict[str, str],
    vietnamese_page: RenderedPage,
    vietnamese_png: bytes,
) -> None:
    scan = tmp_path / "quyet-dinh.png"
    scan.write_bytes(vietnamese_png)
    out = tmp_path / "out"
    run = subprocess.run(
        [*SOHOA, "ocr", str(scan), "--out", str(out), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    cli_text = (out / "quyet-dinh.txt").read_text(encoding="utf-8").rstrip("\n")
    words = json.loads((out / "quyet-dinh.json").read_text(encoding="utf-8"))
    assert words["pages"][0]["words"][0].keys() >= {"text", "confidence", "box"}
    assert cer(vietnamese_page.text, cli_text) < 0.02

    response = client.post(
        f"/api/v1/dossiers/{dossier['code']}/documents",
        files=[("files", ("quyet-dinh.png", vietnamese_png, "image/png"))],
    )
    (document_id,) = response.json()["document_ids"]
    wait_finished(client, document_id)
    api_text = client.get(f"/api/v1/documents/{document_id}/text").json()["text"]
    assert cli_text == api_text
    # the same reading as the service recorded: kind and fields with their evidence
    recorded = client.get(f"/api/v1/documents/{document_id}").json()["reading"]
    assert words["reading"] == recorded
    assert words["reading"]["kind"] == "administrative_document"
    for field in words["reading"]["fields"]:
        assert field.keys() >= {"name", "value", "confidence", "page", "box", "evidence"}


def test_cli_prints_to_stdout_without_out(tmp_path: Path) -> None:
    scan = tmp_path / "blank.png"
    from PIL import Image

    Image.new("L", (400, 300), 255).save(scan)
    result = CliRunner().invoke(app, ["ocr", str(scan)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ""


def test_unreadable_files_give_one_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("không phải ảnh", encoding="utf-8")
    for path, expected in (
        (tmp_path / "missing.png", "cannot read"),
        (text_file, "unsupported_file_type"),
    ):
        run = subprocess.run(
            [*SOHOA, "ocr", str(path)], capture_output=True, text=True, timeout=60, check=False
        )
        assert run.returncode != 0
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in run.stderr


def test_cli_in_process_reports_the_error_exit_code(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["ocr", str(empty)])
    assert result.exit_code == 2
    assert "empty_file" in result.stderr


def test_cli_writes_the_searchable_pdfa_hocr_and_alto_with_pages_in_parallel(
    tmp_path: Path, vietnamese_page: RenderedPage
) -> None:
    top = vietnamese_page.image.crop((0, 0, vietnamese_page.image.width, 700))
    bottom = vietnamese_page.image.crop((0, 700, vietnamese_page.image.width, 1400))
    scan = tmp_path / "hai-trang.tif"
    top.save(scan, "TIFF", save_all=True, append_images=[bottom], dpi=(300, 300))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ocr", str(scan), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    pdf = (out / "hai-trang.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.")
    text = subprocess.run(
        ["pdftotext", str(out / "hai-trang.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Độc lập" in text and "\f" in text.rstrip("\f")  # two pages, the motto on the first
    hocr = sorted(p.name for p in out.glob("*.hocr"))
    assert hocr == ["hai-trang.p0001.hocr", "hai-trang.p0002.hocr"]
    assert problems(pdf) == []  # PDF/A-2b, by pikepdf's validator
    alto = sorted(p.name for p in out.glob("*.alto.xml"))
    assert alto == ["hai-trang.p0001.alto.xml", "hai-trang.p0002.alto.xml"]
    first = (out / "hai-trang.p0001.alto.xml").read_text(encoding="utf-8")
    assert 'CONTENT="Độc"' in first and "<fileName>hai-trang.tif</fileName>" in first
