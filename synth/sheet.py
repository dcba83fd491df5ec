"""An A4 page laid out the way Vietnamese papers are: a two-column header (agency left; motto
or place and date right), centred titles, body text, a signature block on the right; and a
generated paper with its labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from models.extraction import FieldName
from models.kinds import DocumentKind
from synth.render import A4_MM, MOTTO, SERIF, SERIF_BOLD, RenderedPage, wrap


class Sheet:
    """An A4 page laid out row by row: a two-column header, centred titles, body text."""

    def __init__(self, dpi: int = 300, font_pt: float = 12) -> None:
        self.dpi = dpi
        self.mm = dpi / 25.4
        self.width, self.height = (round(v * self.mm) for v in A4_MM)
        self.left, self.right = round(25 * self.mm), self.width - round(20 * self.mm)
        self.y = round(18 * self.mm)
        self.size = round(font_pt * dpi / 72)
        self.image = Image.new("RGB", (self.width, self.height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[str] = []
        self._right: list[str] = []
        """Header lines of the right column, held back until the header ends (see `header`)."""
        self.split = self.left + round(0.4 * (self.right - self.left))

    def face(self, bold: bool = False, scale: float = 1.0) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(SERIF_BOLD if bold else SERIF), round(self.size * scale))

    def _draw(self, text: str, x: float, face: ImageFont.FreeTypeFont) -> None:
        self.draw.text((x, self.y), text, font=face, fill="black")

    def _put(self, text: str, x: float, face: ImageFont.FreeTypeFont) -> None:
        self._draw(text, x, face)
        self.lines.extend(self._right)  # the header, if one was open, has ended
        self._right.clear()
        self.lines.append(text)

    def header(self, left: str = "", right: str = "", *, bold_left: bool = True) -> None:
        """One row of the two-column header: agency (left column), motto or place-date (right).

        The truth reads the header column by column, as `synth.admin` and `ocr.layout` do: the
        right column's lines follow the whole left column.
        """
        # header rows are set a size smaller than the body, as Decree 30/2020 sets them
        if left:
            face = self.face(bold_left, 0.9)
            self._draw(left, (self.left + self.split - face.getlength(left)) / 2, face)
            self.lines.append(left)
        if right:
            face = self.face(right == MOTTO[0], 0.9)
            self._draw(right, (self.split + self.right - face.getlength(right)) / 2, face)
            self._right.append(right)
        self.y += round(self.size * 1.5)

    def centre(self, text: str, *, bold: bool = True, scale: float = 1.0) -> None:
        face = self.face(bold, scale)
        self._put(text, (self.width - face.getlength(text)) / 2, face)
        self.y += round(self.size * scale * 1.5)

    def right_block(self, text: str, *, bold: bool = False) -> None:
        face = self.face(bold)
        self._put(text, (self.split + 60 + self.right - face.getlength(text)) / 2, face)
        self.y += round(self.size * 1.5)

    def text(self, paragraph: str) -> None:
        face = self.face()
        for line in wrap(paragraph, face, self.right - self.left):
            if self.y + self.size * 2 > self.height - 15 * self.mm:
                return
            self._put(line, self.left, face)
            self.y += round(self.size * 1.5)

    def gap(self, rows: float = 1.0) -> None:
        self.y += round(self.size * 1.5 * rows)

    def page(self) -> RenderedPage:
        return RenderedPage(self.image, "\n".join([*self.lines, *self._right]), self.dpi)


@dataclass(frozen=True)
class LabelledPaper:
    kind: DocumentKind
    fields: dict[FieldName, str]
    page: RenderedPage = field(repr=False)
