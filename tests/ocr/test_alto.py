"""ALTO 4 written from the page result (ocr.alto): valid against the ALTO 4.4 schema shipped in
tests/data/alto, the stored words in reading order, a table as a ComposedBlock of its cells."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from models.recognition import Box, PageResult, Region, RegionKind
from ocr.alto import page_alto
from ocr.options import OcrOptions
from ocr.pipeline import recognise_document
from synth.corpus import pick
from synth.degrade import degrade
from synth.render import render_page
from tests.ocr.test_hocr import _page
from tests.ocr.test_table_layout import read

SCHEMAS = Path(__file__).parents[1] / "data" / "alto"
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"


class _Local(etree.Resolver):
    """ALTO imports XLink from the network: the tests have the file beside the schema."""

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        if system_url.endswith("/xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


@cache
def _schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "alto-4-4.xsd"), parser))


def _valid(alto: str) -> etree._Element:
    document = etree.fromstring(alto.encode("utf-8"))
    schema = _schema()
    assert schema.validate(document), schema.error_log
    return document


def _strings(root: etree._Element) -> list[str]:
    return [e.get("CONTENT") for e in root.iter(f"{ALTO}String")]


def test_the_schema_refuses_what_is_not_alto() -> None:
    """The check can fail: a String without its CONTENT is refused."""
    alto = page_alto(_page()).replace('CONTENT="TỜ" ', "")
    assert not _schema().validate(etree.fromstring(alto.encode("utf-8")))


def test_alto_of_a_page_with_a_table_and_marks_is_valid_in_reading_order() -> None:
    page = _page().model_copy(
        update={
            "regions": [
                Region(kind=RegionKind.SEAL, box=Box(left=600, top=450, width=200, height=200))
            ]
        }
    )
    root = _valid(page_alto(page, source="to-khai.jpg"))
    assert _strings(root) == [w.text for w in page.words]  # escaped and read back: <AN>, &
    (table,) = root.iter(f"{ALTO}ComposedBlock")
    assert table.get("TYPE") == "table"
    assert len(list(table.iter(f"{ALTO}TextBlock"))) == 3  # the cells holding words
    (seal,) = root.iter(f"{ALTO}Illustration")
    assert (seal.get("TYPE"), seal.get("HPOS")) == ("seal", "600")
    page_element = next(root.iter(f"{ALTO}Page"))
    assert (page_element.get("WIDTH"), page_element.get("PC"), page_element.get("LANG")) == (
        "1000",
        "0.90",
        "vi",
    )
    assert next(root.iter(f"{ALTO}fileName")).text == "to-khai.jpg"


def test_alto_of_an_empty_page_is_valid() -> None:
    empty = PageResult(number=1, width=100, height=100, text="", words=[], mean_confidence=None)
    root = _valid(page_alto(empty))
    assert _strings(root) == []


def test_alto_of_recognised_pages_is_valid_with_the_stored_words() -> None:
    _, form = read("form", 3)
    scan = degrade(render_page(pick(2, seed=11), title="QUYẾT ĐỊNH"), "seal_signature", seed=1)
    (sealed,) = recognise_document(scan.data, OcrOptions()).pages
    for page in (form, sealed):
        root = _valid(page_alto(page))
        assert _strings(root) == [w.text for w in page.words if w.text]
        assert " ".join(_strings(root)) == " ".join(page.text.split())
    assert list(_valid(page_alto(sealed)).iter(f"{ALTO}Illustration"))
