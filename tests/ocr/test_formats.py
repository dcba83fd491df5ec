import pytest

from models.errors import EmptyFile, UnsupportedFileType
from ocr.formats import BMP, HEIC, JPEG, PDF, PNG, TIFF, WEBP, sniff


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"II*\x00\x08\x00\x00\x00", TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
        (b"BM6\x00\x00\x00", BMP),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", HEIC),
        (b"\x00\x00\x00\x18ftypheix\x00\x00\x00\x00mif1heix", HEIC),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1miafheic", HEIC),
        (b"%PDF-1.7\n", PDF),
        (b"\xef\xbb\xbf%PDF-1.4\n", PDF),
    ],
)
def test_formats_are_told_by_their_magic_bytes(head: bytes, expected: object) -> None:
    assert sniff(head) is expected


def test_empty_is_its_own_error() -> None:
    with pytest.raises(EmptyFile):
        sniff(b"")


@pytest.mark.parametrize(
    "head",
    [
        b"Hello, this is text",
        b"GIF89a....",
        b"PK\x03\x04zip",
        # AVIF says mif1 too, without an HEVC brand: no decoder of ours reads AV1
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
        b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif",
        b"\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom",  # an MP4 video
    ],
)
def test_anything_else_is_unsupported(head: bytes) -> None:
    with pytest.raises(UnsupportedFileType):
        sniff(head)
