"""File names are shown to people, never used as paths: anything path-like is refused."""

import pytest

from models.errors import InvalidFilename
from ocr.formats import PNG
from ocr.load import FileInfo
from services.intake import safe_filename

INFO = FileInfo(PNG, 1)


@pytest.mark.parametrize(
    "name",
    ["../x.png", "a/b.png", "..\\x.png", "C:\\scan.png", "..", ".", "scan\x00.png", "a\nb.png"],
)
def test_path_like_or_control_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidFilename):
        safe_filename(name, INFO)


def test_ordinary_vietnamese_names_are_kept_and_get_an_extension() -> None:
    assert safe_filename("Giấy khai sinh.png", INFO) == "Giấy khai sinh.png"
    assert safe_filename("cccd mặt trước", INFO) == "cccd mặt trước.png"
    assert safe_filename("", INFO) == "scan.png"
