"""Tell a file's type from its first bytes, never from its name or the client's content type."""

from __future__ import annotations

from dataclasses import dataclass

from models.errors import AmbiguousFileType, EmptyFile, UnsupportedFileType


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


# Markers of a second format inside an image's first KiB: such a polyglot would be an image to
# us and a PDF or a web page to whoever opens it next. A scanner never writes them.
_FOREIGN_MARKERS = (b"%PDF-", b"<script", b"<html", b"<svg", b"<?php")


def sniff(head: bytes) -> FileFormat:
    """The format of a file from its first KiB; raise if empty, unsupported or ambiguous."""
    if not head:
        raise EmptyFile()
    fmt = _magic(head)
    if fmt is PDF:
        # Bytes before the header are tolerated by readers (and so by us), but markup there
        # makes the file a web page to a browser and a PDF to us: a polyglot, never a scan.
        prefix = head[: head.find(b"%PDF-")]
        if b"<" in prefix:
            raise AmbiguousFileType(detail={"format": fmt.name, "marker": "markup before %PDF-"})
    else:
        lowered = head[:1024].lower()
        for marker in _FOREIGN_MARKERS:
            if marker.lower() in lowered:
                raise AmbiguousFileType(detail={"format": fmt.name, "marker": marker.decode()})
    return fmt


def _magic(head: bytes) -> FileFormat:
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
