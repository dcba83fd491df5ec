"""What recognition produces: words with boxes and confidences, grouped into pages of a document.

These are plain values, serialisable to JSON as they are (the `sohoa ocr --format json` output and
the per-page artefact in the object store share this shape).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Box(BaseModel):
    """A rectangle in page pixels: left, top, width, height (Tesseract's convention)."""

    model_config = ConfigDict(frozen=True)

    left: int
    top: int
    width: int
    height: int


class Word(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    confidence: float = Field(ge=0, le=100, description="Tesseract's word confidence, 0..100")
    box: Box
    block: int = Field(description="number of its TextBlock on the page (reading order)")
    line: int = Field(description="line index on the page, in reading order, from 0")


class TextLine(BaseModel):
    """A line of words in reading order, with the box around them all."""

    model_config = ConfigDict(frozen=True)

    text: str
    box: Box
    block: int
    confidence: float = Field(ge=0, le=100, description="mean of its words' confidences")


class BlockRole(StrEnum):
    """What a block is on a paper laid out by Decree 30/2020 (agency and number top-left, motto
    and place-date top-right, title, body, recipients bottom-left, signature bottom-right).

    Field extraction reads the number/symbol, issue date, issuer and signer from these blocks.
    """

    AGENCY = "agency"
    NUMBER_SYMBOL = "number_symbol"
    MOTTO = "motto"
    PLACE_DATE = "place_date"
    TITLE = "title"
    BODY = "body"
    RECIPIENTS = "recipients"
    SIGNATURE = "signature"
    OTHER = "other"


class TextBlock(BaseModel):
    """A block (paragraph, header cell, caption) in reading order, with its role when told."""

    model_config = ConfigDict(frozen=True)

    number: int
    box: Box
    lines: int = Field(description="how many lines it holds")
    role: BlockRole | None = Field(default=None, description="None where layout could not tell")


class RegionKind(StrEnum):
    """Marks on a page that are not text, kept out of the text but recorded: a clerk and the
    reuse features want to know that a paper is sealed and signed."""

    SEAL = "seal"
    SIGNATURE = "signature"
    QR_CODE = "qr_code"
    PHOTO = "photo"


class Region(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: RegionKind
    box: Box
    confidence: float = Field(default=1.0, ge=0, le=1, description="how sure the detector is")
    payload: str | None = Field(
        default=None, description="a QR code's decoded text (None: not a code, or unreadable)"
    )


class TableCell(BaseModel):
    """One cell of a ruled table: its place in the grid (from 0), its spans when merged, its box
    between the centres of its rules, and the words read inside it."""

    model_config = ConfigDict(frozen=True)

    row: int = Field(ge=0)
    column: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    column_span: int = Field(default=1, ge=1)
    box: Box
    block: int | None = Field(
        default=None, description="number of the TextBlock of its words; None when it is empty"
    )
    text: str = Field(default="", description="its words, lines joined by newlines (NFC)")


class Table(BaseModel):
    """A table found by its ruling lines: a grid of `rows` × `columns`, its cells in reading
    order (row by row, each row left to right; a merged cell where its top-left corner is)."""

    model_config = ConfigDict(frozen=True)

    box: Box
    rows: int = Field(ge=1)
    columns: int = Field(ge=1)
    cells: list[TableCell]


class PageSource(StrEnum):
    OCR = "ocr"
    TEXT_LAYER = "text_layer"
    """A born-digital PDF page: its text was extracted, not recognised."""


class QualityCode(StrEnum):
    """A problem of a scan that a clerk can fix by scanning again."""

    BLANK = "blank_page"
    BLURRY = "scan_too_blurry"
    LOW_CONTRAST = "low_contrast"
    LOW_RESOLUTION = "low_resolution"


QUALITY_MESSAGES: dict[QualityCode, str] = {
    QualityCode.BLANK: "Trang trắng, không có chữ để nhận dạng",
    QualityCode.BLURRY: "Ảnh quét bị mờ, vui lòng quét lại",
    QualityCode.LOW_CONTRAST: "Ảnh quét quá nhạt hoặc thiếu tương phản, vui lòng quét lại",
    QualityCode.LOW_RESOLUTION: "Độ phân giải quá thấp, vui lòng quét ở 300 dpi",
}


class QualityIssue(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: QualityCode
    message: str = Field(description="for the clerk, in Vietnamese")

    @classmethod
    def of(cls, code: QualityCode) -> QualityIssue:
        return cls(code=code, message=QUALITY_MESSAGES[code])


class QualityVerdict(BaseModel):
    """The fast check of a scan, before any heavy work: what is wrong, and the measures behind it."""

    model_config = ConfigDict(frozen=True)

    issues: list[QualityIssue] = Field(default_factory=list)
    blur: float = Field(description="estimated blur radius as a fraction of the x-height")
    contrast: float = Field(description="paper minus ink brightness, 0..255")
    x_height: float | None = Field(description="lowercase letter height in pixels of the scan")
    ink_fraction: float = Field(description="share of the page covered by ink")

    @property
    def blank(self) -> bool:
        return any(issue.code is QualityCode.BLANK for issue in self.issues)


class PagePose(BaseModel):
    """What the geometry stage undid, to explain a result and map it back to the original."""

    model_config = ConfigDict(frozen=True)

    flattened: bool = Field(default=False, description="a photographed sheet was warped flat")
    turn: int = Field(default=0, description="clockwise right-angle turn of the scan, undone")
    skew: float = Field(default=0.0, description="degrees counter-clockwise applied to deskew")
    scale: float = Field(default=1.0, description="resampling factor applied for Tesseract")


class PageCheck(BaseModel):
    """A decision about a page that was checked rather than trusted, and what settled it."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="what was decided: turn, reading, ...")
    decision: str = Field(description="what the check decided, in words")
    tesseract: bool = Field(description="whether Tesseract read a band or the page for it")
    evidence: dict[str, float] = Field(
        default_factory=dict, description="the measures it weighed (plausibility 0..1, votes)"
    )


class PageResult(BaseModel):
    number: int = Field(ge=1, description="page number in the document, from 1")
    width: int = Field(description="of the prepared page the word boxes refer to")
    height: int
    text: str = Field(description="Unicode NFC, lines joined by newlines")
    raw_text: str | None = Field(
        default=None, description="Tesseract's reading before the Vietnamese mark correction"
    )
    words: list[Word]
    lines: list[TextLine] = Field(default_factory=list)
    blocks: list[TextBlock] = Field(default_factory=list)
    regions: list[Region] = Field(
        default_factory=list, description="non-text marks (seal, signature, QR code, photo)"
    )
    tables: list[Table] = Field(
        default_factory=list, description="ruled tables and forms, each cell with its text"
    )
    mean_confidence: float | None = Field(
        description="mean word confidence, 0..100; None when the page has no words"
    )
    source: PageSource = PageSource.OCR
    quality: QualityVerdict | None = None
    pose: PagePose = Field(default_factory=PagePose)
    checks: list[PageCheck] = Field(
        default_factory=list, description="decisions checked on the page's own reading"
    )
    hocr: str | None = Field(
        default=None,
        description="the page's hOCR in reading order, tables as ocr_table (ocr.hocr)",
        exclude=True,
    )
    pdf: bytes | None = Field(
        default=None, description="one searchable PDF page (image + invisible text)", exclude=True
    )
    seconds: dict[str, float] = Field(
        default_factory=dict,
        description="seconds spent in each stage of the pipeline (load, prepare, layout, "
        "tesseract, second_reading, finish), for metrics; not stored",
        exclude=True,
    )

    @property
    def blank(self) -> bool:
        return self.quality is not None and self.quality.blank


class DocumentResult(BaseModel):
    pages: list[PageResult]
    languages: str

    @property
    def text(self) -> str:
        """The whole document's text, pages separated by a form feed as Tesseract does."""
        return "\f".join(page.text for page in self.pages)

    @property
    def mean_confidence(self) -> float | None:
        confidences = [w.confidence for page in self.pages for w in page.words]
        return sum(confidences) / len(confidences) if confidences else None
