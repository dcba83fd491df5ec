import pytest

from models.errors import (
    ActivePdf,
    AmbiguousFileType,
    CorruptFile,
    EncryptedPdf,
    PageTooLarge,
    TooManyPages,
)
from ocr.formats import sniff
from ocr.pdf_safety import check_pdf
from tests.hostile import (
    JAVASCRIPT_ACTION,
    LAUNCH_ACTION,
    embedded_file_pdf,
    encrypted_pdf,
    html_pdf_polyglot,
    javascript_pdf,
    pdf_with_object_stream,
    pdf_with_pages,
    uri_beacon_pdf,
)

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


@pytest.mark.parametrize(
    "data",
    [
        pdf_with_object_stream([JAVASCRIPT_ACTION], ["ASCIIHexDecode"], "hex"),
        pdf_with_object_stream([LAUNCH_ACTION], ["FlateDecode", "FlateDecode"], "flate2"),
        pdf_with_object_stream(
            [LAUNCH_ACTION], ["FlateDecode", "FlateDecode"], "flate2", open_action=False
        ),
    ],
    ids=[
        "catalog and javascript in a hex object stream",
        "launch under two flate layers",
        "launch action anywhere, not only on opening",
    ],
)
def test_actions_hidden_in_object_streams_are_found(data: bytes) -> None:
    with pytest.raises(ActivePdf):
        check_pdf(data, **LIMITS)


def test_a_web_address_called_on_opening_is_refused() -> None:
    with pytest.raises(ActivePdf):
        check_pdf(uri_beacon_pdf(), **LIMITS)


def test_a_link_a_reader_clicks_is_not_active_content() -> None:
    # a born-digital decree may link to the law it cites; only what runs by itself is refused
    link = "/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (http://x.test) >> >>]"
    data = pdf_with_pages(1).replace(
        b"/MediaBox [0 0 612 792] >>", b"/MediaBox [0 0 612 792] " + link.encode() + b" >>"
    )
    assert check_pdf(data, **LIMITS) == 1


def test_an_attached_file_is_refused() -> None:
    with pytest.raises(ActivePdf):
        check_pdf(embedded_file_pdf(), **LIMITS)


def test_an_opening_that_goes_to_a_page_is_fine() -> None:
    data = pdf_with_pages(1, catalog_extra="/OpenAction [3 0 R /Fit] ")
    assert check_pdf(data, **LIMITS) == 1


def test_html_with_a_pdf_tail_is_a_polyglot() -> None:
    with pytest.raises(AmbiguousFileType):
        sniff(html_pdf_polyglot()[:1024])
