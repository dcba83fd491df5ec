import pytest

from models.errors import ActivePdf, CorruptFile, EncryptedPdf, PageTooLarge, TooManyPages
from ocr.pdf_safety import check_pdf
from tests.hostile import encrypted_pdf, javascript_pdf, pdf_with_pages

LIMITS = {"max_pages": 200, "max_pixels": 120_000_000, "dpi": 300, "timeout": 30}


def test_plain_pdf_passes_with_its_page_count() -> None:
    assert check_pdf(pdf_with_pages(3), **LIMITS) == 3


def test_the_largest_page_counts_not_only_the_first() -> None:
    data = pdf_with_pages(2).replace(
        b"[0 0 612 792] >>\nendobj\n4", b"[0 0 612 792] >>\nendobj\n4", 1
    )
    data = data.replace(
        b"/MediaBox [0 0 612 792] >>\nendobj\nxref", b"/MediaBox [0 0 9000 9000] >>\nendobj\nxref"
    )
    with pytest.raises(PageTooLarge):
        check_pdf(data, **LIMITS)


@pytest.mark.parametrize("compressed", [False, True])
def test_javascript_is_refused_even_hidden(compressed: bool) -> None:
    with pytest.raises(ActivePdf):
        check_pdf(javascript_pdf(compressed), **LIMITS)


def test_launch_action_is_refused() -> None:
    data = pdf_with_pages(1, catalog_extra="/OpenAction << /S /Launch /F (cmd.exe) >> ")
    with pytest.raises(ActivePdf):
        check_pdf(data, **LIMITS)


def test_password_protected_pdf_is_refused() -> None:
    with pytest.raises(EncryptedPdf):
        check_pdf(encrypted_pdf(), **LIMITS)


def test_page_limit_and_lies() -> None:
    with pytest.raises(TooManyPages):
        check_pdf(pdf_with_pages(201), **LIMITS)
    with pytest.raises(CorruptFile):
        check_pdf(pdf_with_pages(1).replace(b"/Count 1", b"/Count 10000"), **LIMITS)
