"""The service's settings: one pydantic-settings class, environment prefix `SOHOA_`.

The embedded default needs none of them: a SQLite catalog and a local object folder under
`./data`, and an in-process pool of OCR workers, one per core.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr.options import OcrOptions


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="where the embedded default keeps its catalog and objects"
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the catalog; default sqlite:///<data_dir>/catalog.sqlite3",
    )
    objects_dir: Path | None = Field(
        default=None, description="local object store folder; default <data_dir>/objects"
    )
    host: str = Field(default="127.0.0.1", description="address `sohoa serve` listens on")
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=0,
        description="OCR worker processes in the API process (0: accept uploads, recognise none)",
    )
    ocr_languages: str = Field(default="vie", description="Tesseract languages, e.g. vie+eng")
    page_timeout: float = Field(default=120.0, gt=0, description="seconds of Tesseract per page")
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="per file")
    max_files_per_request: int = Field(default=20, ge=1)
    max_pages: int = Field(default=200, ge=1, description="per document")
    max_pixels: int = Field(default=120_000_000, ge=1, description="per page")
    correct_marks: bool = Field(
        default=True, description="correct misread Vietnamese marks; the raw OCR text is kept"
    )
    review_below: float = Field(
        default=60.0,
        ge=0,
        le=100,
        description="mean word confidence under which a page needs review",
    )
    max_attempts: int = Field(
        default=3, ge=1, description="recognition attempts of a document before it is failed"
    )

    @property
    def catalog_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'catalog.sqlite3'}"

    @property
    def objects_root(self) -> Path:
        return self.objects_dir or self.data_dir / "objects"

    def ocr_options(self) -> OcrOptions:
        return OcrOptions(
            languages=self.ocr_languages,
            page_timeout=self.page_timeout,
            max_pages=self.max_pages,
            max_pixels=self.max_pixels,
            review_below=self.review_below,
            correct_marks=self.correct_marks,
        )
