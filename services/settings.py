"""The service's settings: one pydantic-settings class, environment prefix `SOHOA_`.

The embedded default needs none of them: a SQLite catalog and a local object folder under
`./data`, and an in-process pool of OCR workers, one per core.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    migration_database_url: str | None = Field(
        default=None,
        description="PostgreSQL: the URL of the role that owns the catalog, used to migrate it "
        "at start; the service then connects as SOHOA_DATABASE_URL's role, granted only what it "
        "needs (it may insert into the audit log and read it, never change or empty it)",
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
    max_file_pixels: int = Field(
        default=200 * 2480 * 3508,
        ge=1,
        description="per image file, all its pages' pixels summed, read from the headers before "
        "decoding: the work one intake may take on; default 200 A4 pages at 300 dpi",
    )
    decode_timeout: float = Field(
        default=30.0,
        gt=0,
        description="seconds intake may spend decoding one image file (all its pages); a "
        "200-page A4 colour JPEG scan at 300 dpi decodes in ~16 s on one core",
    )
    correct_marks: bool = Field(
        default=True, description="correct misread Vietnamese marks; the raw OCR text is kept"
    )
    pdf_jpeg_scans: bool = Field(
        default=False,
        description="embed pages of lossless scans (PNG, TIFF, BMP) in the searchable PDF as "
        "JPEG at quality 92 instead of losslessly (smaller, not lossless)",
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
    lease_seconds: int = Field(
        default=120,
        ge=2,
        description="how long a worker's claim on a document holds unless renewed (it renews "
        "every third of it while it works); a dead worker's documents are taken over after it",
    )
    replica_id: str = Field(
        default_factory=socket.gethostname,
        min_length=1,
        max_length=60,
        description="names this machine in leases (the host name by default): at start a "
        "replica takes back only what its own dead processes held",
    )
    # -- object store (docs/storage.md) --
    object_store: Literal["local", "s3"] = Field(
        default="local", description="local folder (embedded) or MinIO/S3 via the minio SDK"
    )
    s3_endpoint: str = Field(default="127.0.0.1:9000", description="host:port, no scheme")
    s3_access_key: str | None = Field(default=None, description="required with object_store=s3")
    s3_secret_key: SecretStr | None = Field(
        default=None, description="required with object_store=s3"
    )
    s3_bucket: str = Field(default="sohoa", description="created at start when missing")
    s3_secure: bool = Field(default=True, description="HTTPS to the S3 endpoint")
    s3_region: str | None = Field(default=None, description="e.g. us-east-1; None: ask the server")
    s3_part_size: int = Field(
        default=16 * 1024 * 1024, ge=5 * 1024 * 1024, description="multipart part size, bytes"
    )
    orphan_grace_seconds: int = Field(
        default=24 * 3600,
        ge=0,
        description="the orphan sweep keeps unreferenced objects younger than this",
    )

    queue_url: str | None = Field(
        default=None,
        description="Celery broker URL (redis://… or amqp://…); set: uploads and backfiles are "
        "recognised by `sohoa worker` processes instead of the in-process pool",
    )
    queue_name: str = Field(default="sohoa", description="the Celery queue sohoa's tasks go to")
    queue_visibility_timeout: int = Field(
        default=3600,
        ge=5,
        description="seconds before the broker delivers again a task a dead worker held (its "
        "document is taken over by lease, SOHOA_LEASE_SECONDS)",
    )
    source_s3_endpoint: str | None = Field(
        default=None,
        description="http(s)://host:port of the S3/MinIO a backfile s3:// source is on",
    )
    source_s3_access_key: str | None = Field(default=None, description="for s3:// sources")
    source_s3_secret_key: str | None = Field(default=None, description="for s3:// sources")

    public_url: str | None = Field(
        default=None,
        description="the address clients reach sohoa at (https://host[:port][/prefix]), for "
        "links it hands out; unset: links are paths on the same host (never the Host header)",
    )
    secret_key: str | None = Field(
        default=None,
        description="signs download links; default: generated once into <data_dir>/secret.key",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="bearer token a Prometheus scraper sends to GET /metrics; unset: no /metrics "
        "(404, like any unknown path)",
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="port a `sohoa worker` serves /metrics on for Prometheus (its processes' "
        "counters, summed); unset: none. Needs SOHOA_METRICS_TOKEN like the API's",
    )
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto",
        description="json: one JSON object a line (for a log collector); text: for a terminal; "
        "auto: text when stderr is a terminal, json otherwise",
    )
    log_level: str = Field(
        default="INFO",
        pattern="^(?i:debug|info|warning|error)$",
        description="DEBUG, INFO, WARNING or ERROR",
    )
    token_minutes: int = Field(default=30, ge=1, le=24 * 60, description="session token lifetime")
    login_attempts_per_name: int = Field(
        default=10, ge=1, description="logins (right or wrong) per user name in the window"
    )
    login_attempts_per_address: int = Field(
        default=100,
        ge=1,
        description="logins per client address in the window (an office behind one NAT shares it)",
    )
    login_window_seconds: int = Field(
        default=300, ge=1, le=24 * 3600, description="the sliding window of the login limits"
    )
    download_link_seconds: int = Field(
        default=300, ge=10, le=3600, description="lifetime of a signed download link"
    )
    # -- certified electronic copies (docs/certified-copies.md) --
    certify_pkcs12: Path | None = Field(
        default=None,
        description="the agency's PKCS#12 file (.p12/.pfx: key and certificate) that signs "
        "certified copies; unset: no copy can be certified (409 signing_unavailable)",
    )
    certify_pkcs12_password: SecretStr | None = Field(
        default=None, description="the PKCS#12 file's password"
    )
    certify_pkcs11_module: Path | None = Field(
        default=None,
        description="the PKCS#11 module (.so) of the agency's token or HSM; set, copies are "
        "signed on the token (the key never leaves it) instead of with SOHOA_CERTIFY_PKCS12",
    )
    certify_pkcs11_token: str | None = Field(default=None, description="the token's label")
    certify_pkcs11_key: str | None = Field(
        default=None, description="the label of the signing key and of its certificate"
    )
    certify_pkcs11_pin: SecretStr | None = Field(default=None, description="the user PIN")
    certify_agency_code: str | None = Field(
        default=None,
        description="the agency (code prefix of its dossiers, e.g. 000.00.01.H29) whose key "
        "SOHOA_CERTIFY_PKCS12 is; set: papers of other agencies are refused (409)",
    )
    certify_agency_name: str | None = Field(
        default=None,
        description="the copying agency's name printed in the stamp; default: the certificate's "
        "organisation (O), else its common name (CN)",
    )
    certify_tsa_url: str | None = Field(
        default=None,
        description="an RFC 3161 timestamp server: set, copies are signed PAdES B-T (with its "
        "token); unset, PAdES B-B",
    )
    certify_trust_roots: Path | None = Field(
        default=None,
        description="PEM file of the root certificates a copy's signer must chain to for a "
        "verification to say `valid` (e.g. the national root CA); unset: `untrusted` at best",
    )
    certify_font: Path = Field(
        default=Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
        description="the stamp's font, embedded: Liberation Serif 2, metric-compatible with "
        "Times New Roman, with Vietnamese letters (Debian fonts-liberation2)",
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
            pdf_jpeg_scans=self.pdf_jpeg_scans,
        )
