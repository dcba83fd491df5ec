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
HEIC = FileFormat("heic", "image/heic", ".heic")  # what iPhones send (HEIF holding HEVC)
PDF = FileFormat("pdf", "application/pdf", ".pdf")

SUPPORTED = (JPEG, PNG, TIFF, BMP, WEBP, HEIC, PDF)

# An ISO-BMFF file starts with its `ftyp` box: size, "ftyp", a major brand, a minor version and
# compatible brands. These brands say HEVC-coded HEIF (an image, a sequence, their variants);
# `mif1`/`msf1` say HEIF of any codec, HEIC only with one of these among its compatible brands
# (an AVIF says mif1 too, and we have no AV1 decoder).
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1"})


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
    if head[4:8] == b"ftyp" and _is_heic(head):
        return HEIC
    # PDF readers accept the header anywhere in the first KiB; so do we, but no further.
    if b"%PDF-" in head[:1024]:
        return PDF
    raise UnsupportedFileType(detail={"first_bytes": head[:8].hex()})


def _is_heic(head: bytes) -> bool:
    size = int.from_bytes(head[:4], "big")
    box = head[8 : min(size, len(head))]
    major, compatible = box[:4], [box[i : i + 4] for i in range(8, len(box) - 3, 4)]
    if major in _HEIC_BRANDS:
        return True
    return major in _HEIF_BRANDS and any(brand in _HEIC_BRANDS for brand in compatible)
