"""What recognition stores names the page, never a temporary file of the server."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from models.schemas import DossierCreate
from services import intake
from services.context import Context
from services.processing import process_document
from services.settings import Settings
from storage.keys import page_hocr_key, page_result_key
from tests.conftest import ADMIN, DOSSIER

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _line() -> bytes:
    image = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(image).text((30, 50), "Giấy khai sinh", font=ImageFont.truetype(FONT, 48))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


def test_stored_hocr_and_page_results_carry_no_temporary_path(tmp_path: Path) -> None:
    ctx = Context.open(Settings(data_dir=tmp_path, workers=0))
    try:
        intake.create_dossier(ctx, ADMIN, DossierCreate(**DOSSIER))
        upload = intake.Upload("a.png", io.BytesIO(_line()))
        (paper,) = intake.upload_documents(ctx, ADMIN, DOSSIER["code"], [upload], assess=False)
        process_document(ctx, paper.id)
        scan = ctx.catalog.get_document(paper.id).sha256
        hocr = ctx.store.get(page_hocr_key(paper.id, 1, scan)).decode()
        result = ctx.store.get(page_result_key(paper.id, 1, scan)).decode()
    finally:
        ctx.close()
    assert "ocr_page" in hocr and 'image "page-1"' in hocr
    for stored in (hocr, result):
        assert "/tmp" not in stored and "sohoa-tess" not in stored
