"""Per-request recognition options: one typed model, passed explicitly to every stage."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class OcrOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    languages: str = Field(default="vie", pattern=r"^[a-z_]{3,}(\+[a-z_]{3,})*$")
    page_timeout: float = Field(default=120.0, gt=0, description="seconds per page for Tesseract")
    pdf_dpi: int = Field(default=300, ge=72, le=600, description="rasterisation of PDF pages")
    max_pages: int = Field(default=500, ge=1)
    max_pixels: int = Field(
        default=120_000_000, ge=1, description="per page; refuses decompression bombs"
    )
    correct_marks: bool = Field(
        default=True,
        description="correct misread Vietnamese marks (ocr.vietnamese); the raw text is kept",
    )
    layout: bool = Field(
        default=True,
        description="read columns in order and tell block roles (ocr.layout); find seals, "
        "signatures, QR codes and photos (ocr.regions)",
    )
    pdf_jpeg_scans: bool = Field(
        default=False,
        description="embed pages of lossless scans (PNG, TIFF, BMP) in the PDF as JPEG at "
        "quality 92 rather than losslessly (ocr.pdf_page)",
    )
    review_below: float = Field(
        default=60.0, ge=0, le=100, description="a page under this mean confidence needs review"
    )
