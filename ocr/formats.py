"""Tell a file's type from its first bytes, never from its name or the client's content type."""

from __future__ import annotations

from dataclasses import dataclass

from models.errors import EmptyFile, UnsupportedFileType


@dataclass(frozen=True)
class FileFormat:
    name: str
    content_type: str
    extension: str


JPEG = FileFormat("jpeg", "image/jpeg", ".jpg")
PNG = FileFormat("png", "image/png", ".png")
TIFF = FileFormat("tiff", "image/tiff", ".tif")
BMP = FileFormat("bmp", "image/bmp", ".bmp")
WEBP = FileFormat("webp", "image/webp", ".webp")
PDF = FileFormat("pdf", "application/pdf", ".pdf")

SUPPORTED = (JPEG, PNG, TIFF, BMP, WEBP, PDF)


def sniff(head: bytes) -> FileFormat:
    """The format of a file from its first 16 bytes or more; raise if empty or not supported."""
    if not head:
        raise EmptyFile()
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"BM"):
        return BMP
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    # PDF readers accept the header anywhere in the first KiB; so do we, but no further.
    if b"%PDF-" in head[:1024]:
        return PDF
    raise UnsupportedFileType(detail={"first_bytes": head[:8].hex()})
