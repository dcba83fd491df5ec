"""The searchable PDF is PDF/A-2b (pikepdf's validator), its text is the stored text in reading
order, its words lie on the words of the picture, and each picture is embedded without a loss
the scan did not have."""

from __future__ import annotations

import io
import subprocess
import unicodedata
import zlib
from datetime import UTC, datetime
from functools import cache

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from models.errors import NotArchival
from models.recognition import DocumentResult
from ocr.options import OcrOptions
from ocr.pdf_page import Placement, page
from ocr.pdf_text import FONT_NAME
from ocr.pdfa import Metadata, keep, problems, write
from ocr.pipeline import recognise_document
from ocr.prepare import prepare_page
from synth.corpus import pick
from synth.degrade import CONDITIONS, degrade
from synth.render import SERIF, RenderedPage, render_page

META = Metadata(
    title="Quyết định số 12/QĐ-UBND",
    kind="Văn bản hành chính",
    number="12/QĐ-UBND",
    agency="UBND phường Hạnh Thông",
    created=datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
)


@cache
def _page() -> RenderedPage:
    return render_page(pick(2, seed=11), title="QUYẾT ĐỊNH")


@cache
def _recognised(condition: str) -> DocumentResult:
    """The page under a benchmark condition, recognised once for the tests that read it."""
    return recognise_document(degrade(_page(), condition, seed=1).data, OcrOptions())


def _pdf(result: DocumentResult) -> bytes:
    return write([page.pdf for page in result.pages if page.pdf is not None], META)


def _pdftotext(pdf: bytes, *args: str) -> str:
    run = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return run.stdout.decode()


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def _assert_text_is_stored(pdf: bytes, result: DocumentResult) -> None:
    """Both extractors give the stored words, in the stored order, NFC as stored."""
    stored = [_words(page.text) for page in result.pages]
    reader = PdfReader(io.BytesIO(pdf))
    assert [_words(p.extract_text() or "") for p in reader.pages] == stored
    raw = _pdftotext(pdf, "-raw").split("\f")
    assert [_words(text) for text in raw[: len(stored)]] == stored


@pytest.mark.parametrize("condition", sorted(CONDITIONS))
def test_the_pdf_of_every_benchmark_condition_is_pdfa_with_the_stored_text(condition: str) -> None:
    result = _recognised(condition)
    pdf = _pdf(result)
    assert problems(pdf) == []
    assert result.pages[0].words, "a page with text to check"
    _assert_text_is_stored(pdf, result)


def _line(text: str, mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", (1240, 300), "white")
    font = ImageFont.truetype(str(SERIF), 50)
    ImageDraw.Draw(image).text((60, 100), text, font=font, fill="black")
    return image if mode == "RGB" else image.convert("L").point(lambda v: 255 * (v > 128))


def test_a_multi_page_tiff_with_a_black_and_white_page_is_pdfa_and_lossless() -> None:
    bits = _line("Giấy mời họp tổ dân phố", "L").convert("1")
    colour = _line("Thông báo lịch tiếp công dân")
    buffer = io.BytesIO()
    bits.save(buffer, "TIFF", save_all=True, append_images=[colour], dpi=(150, 150))
    result = recognise_document(buffer.getvalue(), OcrOptions())
    pdf = _pdf(result)
    assert problems(pdf) == []
    _assert_text_is_stored(pdf, result)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        filters = [str(next(iter(page.get_images().values())).Filter) for page in doc.pages]
        assert filters == ["/CCITTFaxDecode", "/FlateDecode"]
        first = pikepdf.PdfImage(next(iter(doc.pages[0].get_images().values()))).as_pil_image()
    # G4 is lossless: the page's pixels come back as they were read (same black, same white)
    assert np.array_equal(np.asarray(first.convert("L")), np.asarray(bits.convert("L")))


def test_a_multi_page_scanned_pdf_is_pdfa_with_its_pages_in_order() -> None:
    buffer = io.BytesIO()
    first, second = _line("Đơn đề nghị cấp bản sao"), _line("Tờ khai đăng ký khai sinh")
    first.save(buffer, "PDF", resolution=150, save_all=True, append_images=[second])
    result = recognise_document(buffer.getvalue(), OcrOptions())
    pdf = _pdf(result)
    assert problems(pdf) == []
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    _assert_text_is_stored(pdf, result)
    assert "Đơn" in _pdftotext(pdf).split("\f")[0]


def _jpeg_bytes(image: pikepdf.Object) -> bytes:
    """The JPEG inside the image stream (its Flate layer, if any, undone)."""
    if image.Filter == pikepdf.Name.DCTDecode:
        return image.read_raw_bytes()
    assert list(image.Filter) == [pikepdf.Name.FlateDecode, pikepdf.Name.DCTDecode]
    return zlib.decompress(image.read_raw_bytes())


def test_an_unchanged_jpeg_page_is_embedded_as_the_same_jpeg_bytes() -> None:
    buffer = io.BytesIO()
    _line("Quyết định cấp giấy chứng nhận").save(buffer, "JPEG", quality=90, dpi=(150, 150))
    result = recognise_document(buffer.getvalue(), OcrOptions())
    pdf = _pdf(result)
    assert problems(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        image = next(iter(doc.pages[0].get_images().values()))
        assert _jpeg_bytes(image) == buffer.getvalue()
        # 1240 px at 150 dpi is 8.27 in, 595 pt: the paper's own size
        assert abs(float(doc.pages[0].mediabox[2]) - 1240 / 150 * 72) < 1


def test_the_words_lie_on_the_words_of_the_picture() -> None:
    result = _recognised("clean_300")  # the page of the clean_300 case above, read once
    page = result.pages[0]
    pdf = _pdf(result)
    boxes = _pdftotext(pdf, "-bbox")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        scale = float(doc.pages[0].mediabox[2]) / page.width
    checked = 0
    for word in [w for w in page.words if len(w.text) > 4][:3]:
        line = next(line for line in boxes.splitlines() if f">{word.text}<" in line)
        x_min = float(line.split('xMin="')[1].split('"')[0])
        y_max = float(line.split('yMax="')[1].split('"')[0])
        assert abs(x_min - word.box.left * scale) < 2  # points
        assert abs(y_max - (word.box.top + word.box.height) * scale) < 4
        checked += 1
    assert checked == 3


def test_the_metadata_says_what_the_caller_knows() -> None:
    result = recognise_document(_jpeg_line(), OcrOptions())
    with pikepdf.open(io.BytesIO(_pdf(result))) as doc:
        meta = doc.open_metadata()
        assert meta["dc:title"] == META.title
        assert meta["dc:identifier"] == "12/QĐ-UBND"
        assert meta["dc:type"] == {"Văn bản hành chính"}
        assert meta["dc:publisher"] == {"UBND phường Hạnh Thông"}
        assert meta["xmp:CreateDate"].startswith("2026-12-03T08:30:00")
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert doc.Root.OutputIntents[0].S == "/GTS_PDFA1"


def _jpeg_line() -> bytes:
    buffer = io.BytesIO()
    _line("Giấy xác nhận").save(buffer, "JPEG", dpi=(150, 150))
    return buffer.getvalue()


def _unembedded_font_page() -> bytes:
    """A born-digital page whose text is drawn in Helvetica, not embedded: PDF/A forbids it."""
    doc = pikepdf.new()
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    doc.pages.append(
        pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, 595, 842],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=doc.make_stream(b"BT /F1 12 Tf 72 720 Td (Giay moi) Tj ET"),
            )
        )
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_a_page_that_breaks_pdfa_is_never_handed_out_as_pdfa() -> None:
    """Refused by `write`; `keep` keeps it plain, names the rules, and the file claims nothing."""
    page = _unembedded_font_page()
    with pytest.raises(NotArchival):
        write([page], META)
    kept, broken = keep([page], META)
    assert any("6.2.11.4" in rule for rule in broken)
    with pikepdf.open(io.BytesIO(kept)) as doc:
        assert "pdfaid:part" not in doc.open_metadata()
    assert problems(kept)


def _filter(pdf: bytes) -> str:
    """The image's own encoding (the last filter: a JPEG may be deflated on top)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        filters = next(iter(doc.pages[0].get_images().values())).Filter
        return str(filters if isinstance(filters, pikepdf.Name) else filters[-1])


def test_a_lossless_scan_stays_lossless_unless_the_operator_asks_for_jpeg() -> None:
    buffer = io.BytesIO()
    _line("Biên bản bàn giao").save(buffer, "PNG", dpi=(150, 150))
    lossless = _pdf(recognise_document(buffer.getvalue(), OcrOptions()))
    smaller = _pdf(recognise_document(buffer.getvalue(), OcrOptions(pdf_jpeg_scans=True)))
    assert (_filter(lossless), _filter(smaller)) == ("/FlateDecode", "/DCTDecode")
    assert problems(lossless) == [] and problems(smaller) == []
    with pikepdf.open(io.BytesIO(lossless)) as doc:
        image = next(iter(doc.pages[0].get_images().values()))
        # the PNG's own image data, not encoded again: no larger than the file, same pixels
        assert len(image.read_raw_bytes()) < len(buffer.getvalue())
        pixels = np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("RGB"))
    assert np.array_equal(pixels, np.asarray(_line("Biên bản bàn giao")))


def _render(pdf: bytes) -> np.ndarray:
    png = subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-png", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return np.asarray(Image.open(io.BytesIO(png)), dtype=np.int16)


@pytest.mark.parametrize("condition", ["skewed_scan", "rotated_90", "rotated_270"])
def test_a_turned_page_is_the_scan_turned_by_the_pdf_as_recognition_turned_it(
    condition: str,
) -> None:
    """Drawn with a `cm`, the scan's own pixels look like the page recognition made upright."""
    scan = degrade(_page(), condition, seed=1)
    image = scan.image()
    prepared = prepare_page(image)
    pose = prepared.pose
    assert pose.turn or pose.skew, "a page that was turned"
    placement = Placement(turn=pose.turn, skew=pose.skew)
    assert placement.fits(*image.size, prepared.colour.size)
    size = prepared.image.size
    turned = page(image, [], dpi=300, size=size, placement=placement, canvas=prepared.colour.size)
    upright = page(prepared.colour, [], dpi=300, size=size)
    a, b = _render(turned), _render(upright)
    assert a.shape == b.shape
    # of 255: the same picture, resampled differently (~2.7); turned the wrong way it is ~9
    assert float(np.abs(a - b).mean()) < 4.5


def test_a_deskewed_jpeg_page_keeps_the_scan_s_jpeg_bytes() -> None:
    scan = degrade(_page(), "skewed_scan", seed=1)
    assert scan.format == "jpeg"
    result = recognise_document(scan.data, OcrOptions())
    assert result.pages[0].pose.skew
    pdf = _pdf(result)
    assert problems(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        image = next(iter(doc.pages[0].get_images().values()))
        assert _jpeg_bytes(image) == scan.data


def test_a_stored_pdfa_is_written_again_with_new_metadata() -> None:
    """What a certified copy starts from: the stored document's PDF/A, its pages kept."""
    result = recognise_document(_jpeg_line(), OcrOptions())
    stored = _pdf(result)
    again = write([stored, stored], Metadata(title="Bản sao", agency="UBND xã An Bình"))
    assert problems(again) == []
    with pikepdf.open(io.BytesIO(again)) as doc:
        assert len(doc.pages) == 2
        assert doc.open_metadata()["dc:title"] == "Bản sao"
        fonts = {page.Resources.Font[FONT_NAME].objgen for page in doc.pages}
        assert len(fonts) == 1  # one text font for the document, not one a page
    assert _words(_pdftotext(again, "-raw").split("\f")[1]) == _words(result.pages[0].text)
