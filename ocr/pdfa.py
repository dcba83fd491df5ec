"""The document's searchable PDF as PDF/A-2b: its pages (`ocr.pdf_page`) joined, with XMP
metadata and an sRGB output intent, validated before it is handed out.

`write` is the one way sohoa makes the PDF it keeps (`sohoa ocr`, the stored `/pdf`, the
backfile) and the base of a certified copy. The validator is pikepdf's own (`pikepdf.pdfa`, the
allowlist validator OCRmyPDF 17 uses instead of veraPDF): `pikepdf.pdfa.save` adds the output
intent (its bundled sRGB profile) and the PDF/A identification, writes, and validates the bytes it
wrote. A file it does not approve raises `NotArchival` and is never handed out as PDF/A: the
caller decides what to keep instead (`plain`: the same pages, claiming nothing). Metadata comes in
as arguments: `ocr/` knows no catalog.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import pikepdf
import pikepdf.pdfa

from models.errors import NotArchival
from ocr.pdf_text import FONT_NAME

FLAVOUR = "2b"
PRODUCER = "sohoa"


@dataclass(frozen=True)
class Metadata:
    """What the archive's XMP says of a paper: only what the caller knows (None: not said)."""

    title: str
    kind: str | None = None
    """The paper's kind, e.g. "Giấy khai sinh" (XMP dc:type)."""
    number: str | None = None
    """Its number and symbol, e.g. "12/QĐ-UBND" (dc:identifier)."""
    agency: str | None = None
    """The digitizing agency (dc:publisher)."""
    created: datetime | None = None
    """When it was digitized, timezone-aware (xmp:CreateDate); None: now."""


def write(pages: Sequence[bytes], metadata: Metadata) -> bytes:
    """The one-page PDFs `pages` (of `ocr.pdf_page.page`, or a born-digital page) joined, in
    order, into one PDF/A-2b file; raises `NotArchival` when the validator refuses it."""
    with ExitStack() as stack:
        pdf = _joined(pages, stack)
        _describe(pdf, metadata)
        out = io.BytesIO()
        try:
            pikepdf.pdfa.save(pdf, out, FLAVOUR, output_intent="sRGB")
        except pikepdf.pdfa.PdfaError as exc:
            rules = sorted({finding.rule for finding in exc.report.findings})
            raise NotArchival(detail={"rules": rules[:20]}) from exc
        return out.getvalue()


def keep(pages: Sequence[bytes], metadata: Metadata) -> tuple[bytes, list[str]]:
    """The PDF to keep: the PDF/A, or, when the validator refuses it (a born-digital page may
    bring what PDF/A forbids), the same pages without the claim and the rules it broke."""
    try:
        return write(pages, metadata), []
    except NotArchival as exc:
        rules = exc.detail["rules"] if isinstance(exc.detail, dict) else []
        return plain(pages), [str(rule) for rule in rules]


def plain(pages: Sequence[bytes]) -> bytes:
    """The same pages joined without any PDF/A claim: what is kept when `write` refuses."""
    with ExitStack() as stack:
        pdf = _joined(pages, stack)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def problems(data: bytes) -> list[str]:
    """The rules of PDF/A-2b a file breaks, by the same validator (empty: it passes)."""
    report = pikepdf.pdfa.validate_written(io.BytesIO(data), FLAVOUR)
    return [f"{f.rule}: {f.message}" for f in report.findings] if not report.passed else []


def _joined(pages: Sequence[bytes], stack: ExitStack) -> pikepdf.Pdf:
    """The pages in one document, sharing one text font (each page brought its own)."""
    pdf = stack.enter_context(pikepdf.Pdf.new())
    for data in pages:
        # A copied page's streams are read from its source when written: keep it open.
        source = stack.enter_context(pikepdf.open(io.BytesIO(data)))
        pdf.pages.extend(source.pages)
    shared: pikepdf.Object | None = None
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is None or FONT_NAME not in fonts:
            continue
        if shared is None:
            shared = fonts[FONT_NAME]
        else:
            fonts[FONT_NAME] = shared
    return pdf


def _describe(pdf: pikepdf.Pdf, metadata: Metadata) -> None:
    created = (metadata.created or datetime.now(UTC)).isoformat(timespec="seconds")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = metadata.title
        if metadata.kind:
            xmp["dc:type"] = {metadata.kind}
        if metadata.number:
            xmp["dc:identifier"] = metadata.number
        if metadata.agency:
            xmp["dc:publisher"] = {metadata.agency}
        xmp["xmp:CreateDate"] = created
        xmp["xmp:ModifyDate"] = created
        xmp["xmp:CreatorTool"] = PRODUCER
        xmp["pdf:Producer"] = PRODUCER
