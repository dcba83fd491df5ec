"""hOCR of a recognised page, written from its PageResult: words in our reading order and with
their stored (corrected) text, in lines and blocks, and ruled tables as `ocr_table` elements.

Tesseract's own hOCR has its order (a form's labels, then its values), its raw text and the
path of a temporary file in it; ours says what the JSON result says. XHTML 1.0 Transitional, as
Tesseract writes it, so the tools that read Tesseract's hOCR read ours.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from itertools import groupby

from models.recognition import Box, PageResult, Table, TableCell, Word
from ocr.text import enclosing, reading_units, words_by_block

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}">
 <head>
  <title>{title}</title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name="ocr-system" content="sohoa (tesseract)"/>
  <meta name="ocr-capabilities"
   content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocr_table"/>
 </head>
 <body>
"""
LANGUAGE_TAGS = {"vie": "vi", "eng": "en"}
"""hOCR's `lang` wants a language tag; Tesseract's language names are not ones."""


def page_hocr(page: PageResult, *, languages: str = "vie") -> str:
    """The page as hOCR: blocks in reading order, each cell of a table a block inside its `td`."""
    first = languages.split("+")[0]
    lang = LANGUAGE_TAGS.get(first, first)
    n = page.number
    parts = [HEAD.format(lang=lang, title=f"sohoa page {n}")]
    parts.append(
        f'  <div class="ocr_page" id="page_{n}" '
        # single-quoted as Tesseract writes it: the image name is a quoted hOCR string
        f"title='image \"page-{n}\"; bbox 0 0 {page.width} {page.height}; ppageno {n - 1}'>\n"
    )
    words_of = words_by_block(page)
    for unit in reading_units(page):
        if isinstance(unit, Table):
            parts.extend(_table(n, page.tables.index(unit), unit, words_of, lang))
        else:
            parts.extend(_block(n, unit[0], unit[1], lang, "   "))
    parts.append("  </div>\n </body>\n</html>\n")
    return "".join(parts)


def _table(
    page: int, number: int, table: Table, words_of: dict[int, list[Word]], lang: str
) -> Iterator[str]:
    yield f'   <table class="ocr_table" id="table_{page}_{number + 1}" title="{_bbox(table.box)}">\n'
    for _, row in groupby(table.cells, key=lambda c: c.row):
        yield "    <tr>\n"
        for cell in row:
            yield f'     <td{_spans(cell)} title="{_bbox(cell.box)}">\n'
            if cell.block is not None:
                yield from _block(page, cell.block, words_of.get(cell.block, []), lang, "      ")
            yield "     </td>\n"
        yield "    </tr>\n"
    yield "   </table>\n"


def _block(page: int, block: int, words: Sequence[Word], lang: str, indent: str) -> Iterator[str]:
    if not words:
        return
    box = _bbox(enclosing([w.box for w in words]))
    ident = f"{page}_{block + 1}"
    yield f'{indent}<div class="ocr_carea" id="block_{ident}" title="{box}">\n'
    yield f'{indent} <p class="ocr_par" id="par_{ident}" lang="{lang}" title="{box}">\n'
    for _, members in groupby(words, key=lambda w: w.line):
        line = list(members)
        at = f"{page}_{line[0].line + 1}"
        yield (
            f'{indent}  <span class="ocr_line" id="line_{at}" '
            f'title="{_bbox(enclosing([w.box for w in line]))}">\n'
        )
        for k, word in enumerate(line, start=1):
            yield (
                f'{indent}   <span class="ocrx_word" id="word_{at}_{k}" '
                f'title="{_bbox(word.box)}; x_wconf {round(word.confidence)}">'
                f"{escape(word.text, quote=False)}</span>\n"
            )
        yield f"{indent}  </span>\n"
    yield f"{indent} </p>\n{indent}</div>\n"


def _spans(cell: TableCell) -> str:
    spans = ""
    if cell.row_span > 1:
        spans += f' rowspan="{cell.row_span}"'
    if cell.column_span > 1:
        spans += f' colspan="{cell.column_span}"'
    return spans


def _bbox(box: Box) -> str:
    return f"bbox {box.left} {box.top} {box.left + box.width} {box.top + box.height}"
