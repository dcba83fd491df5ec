import pytest

from models.errors import EmptyFile, UnsupportedFileType
from ocr.formats import BMP, JPEG, PDF, PNG, TIFF, WEBP, sniff


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"II*\x00\x08\x00\x00\x00", TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
        (b"BM6\x00\x00\x00", BMP),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", WEBP),
        (b"%PDF-1.7\n", PDF),
        (b"\xef\xbb\xbf%PDF-1.4\n", PDF),
    ],
)
def test_formats_are_told_by_their_magic_bytes(head: bytes, expected: object) -> None:
    assert sniff(head) is expected


def test_empty_is_its_own_error() -> None:
    with pytest.raises(EmptyFile):
        sniff(b"")


@pytest.mark.parametrize("head", [b"Hello, this is text", b"GIF89a....", b"PK\x03\x04zip"])
def test_anything_else_is_unsupported(head: bytes) -> None:
    with pytest.raises(UnsupportedFileType):
        sniff(head)
