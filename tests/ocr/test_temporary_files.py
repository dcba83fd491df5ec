"""Recognition leaves no temporary file behind, whether it succeeds or fails."""

import io
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from models.errors import SohoaError
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from tests.hostile import javascript_pdf, pdf_with_pages


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_success_and_failure_both_leave_the_temp_folder_empty(temp_dir: Path) -> None:
    buffer = io.BytesIO()
    Image.new("L", (600, 400), 255).save(buffer, "PNG")
    recognise_document(buffer.getvalue(), OcrOptions())
    recognise_document(pdf_with_pages(1, "0 0 200 100"), OcrOptions())
    for bad in (javascript_pdf(), b"%PDF-1.4\nbroken", buffer.getvalue()[:100]):
        with pytest.raises(SohoaError):
            recognise_document(bad, OcrOptions())
    assert list(temp_dir.iterdir()) == []
