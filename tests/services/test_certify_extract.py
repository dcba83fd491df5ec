"""A "TRÍCH SAO" copies some pages of a paper: those pages, in the order asked, still PDF/A."""

from __future__ import annotations

import io

import pikepdf
import pikepdf.pdfa
import pytest

from models.errors import InvalidInput
from services.certify import extract
from synth.pki import a4_page_pdf


def _three_pages_pdfa() -> bytes:
    with pikepdf.Pdf.new() as pdf:
        sources = [pikepdf.open(io.BytesIO(a4_page_pdf(f"TRANG {n}"))) for n in (1, 2, 3)]
        for source in sources:
            pdf.pages.extend(source.pages)
        out = io.BytesIO()
        assert pikepdf.pdfa.save(pdf, out, "2b", output_intent="sRGB").passed
        for source in sources:
            source.close()
    return out.getvalue()


def _images(pdf: bytes) -> list[bytes]:
    """Each page's image, as stored: which page is which."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [next(iter(page.get_images().values())).read_raw_bytes() for page in document.pages]


def test_an_extract_has_the_pages_asked_in_their_order_and_stays_pdfa() -> None:
    whole = _three_pages_pdfa()
    part = extract(whole, [3, 1])
    pages = _images(whole)
    assert len(set(pages)) == 3
    assert _images(part) == [pages[2], pages[0]]
    report = pikepdf.pdfa.validate_written(io.BytesIO(part), "2b")
    assert report.passed, report.findings


@pytest.mark.parametrize("pages", [[0], [4], [2, 2]])
def test_pages_that_do_not_exist_or_repeat_are_refused(pages: list[int]) -> None:
    with pytest.raises(InvalidInput):
        extract(_three_pages_pdfa(), pages)
