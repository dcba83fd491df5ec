"""Search's Vietnamese text work: parse what the user typed, fold what is indexed, cut snippets.

Index and query go through the same two steps (`ocr.vietnamese`: normalise to the one stored
form, then fold marks away), so "nguyen van an", "Nguyen Van An" and "Nguyễn Văn An", composed
or decomposed, meet "NGUYỄN VĂN AN" on the same folded words.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from models.errors import InvalidQuery
from models.kinds import DocumentKind
from models.search import TOKEN, IndexEntry, ParsedQuery, Term, tokens
from ocr.vietnamese.normalise import fold_diacritics, normalise_text
from storage.search.sources import PageSource

MAX_QUERY_CHARS = 500
MAX_TERMS = 24
MIN_PREFIX_CHARS = 2
"""A one-letter prefix ("N*") would match most of the index: it is taken as the word itself."""
SNIPPET_WORDS = 28

_PIECE = re.compile(r'"([^"]*)"?|(\S+)')
"""A quoted phrase (an unbalanced quote runs to the end) or a run of non-space characters."""
_SPACE = re.compile(r"\s+")


def parse_query(q: str) -> ParsedQuery:
    """Terms to match, all of them: words, "quoted phrases", codes (a phrase of their parts),
    prefixes (Nguy*). Operators of FTS engines (AND, OR, NEAR, -, ^, :) are plain words here."""
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidQuery(
            f"Từ khóa tìm kiếm quá dài (tối đa {MAX_QUERY_CHARS} ký tự)",
            detail={"length": len(q), "max": MAX_QUERY_CHARS},
        )
    terms: list[Term] = []
    for match in _PIECE.finditer(normalise_text(q)):
        piece = match.group(1) if match.group(1) is not None else match.group(2)
        exact = tokens(piece)
        if not exact:
            continue
        prefix = piece.rstrip().endswith("*") and len(exact[-1]) >= MIN_PREFIX_CHARS
        term = Term(tuple(_fold(w) for w in exact), tuple(exact), prefix)
        if term not in terms:
            terms.append(term)
    if not terms:
        raise InvalidQuery("Vui lòng nhập từ khóa tìm kiếm (chữ hoặc số)", detail={"q": q[:100]})
    if len(terms) > MAX_TERMS:
        raise InvalidQuery(f"Quá nhiều từ khóa (tối đa {MAX_TERMS})", detail={"terms": len(terms)})
    return ParsedQuery(tuple(terms))


@lru_cache(maxsize=65_536)
def _fold(word: str) -> str:
    return fold_diacritics(word).lower()


def _kind_label(code: str | None) -> str:
    try:
        return DocumentKind(code).label if code else ""
    except ValueError:
        return ""


def entry_for(source: PageSource) -> IndexEntry:
    """The index row of one page seen through one dossier: text and fields, exact and folded."""
    page = normalise_text(source.text)
    meta = normalise_text(
        " \n".join(
            value
            for value in (
                source.dossier_code,
                source.procedure_code,
                source.applicant_name,
                source.applicant_id,
                source.owner_name,
                source.owner_id,
                source.kind_code,
                _kind_label(source.kind_code),
                source.number_symbol,
                source.summary,
                source.issuer,
            )
            if value
        )
    )
    return IndexEntry(
        document_id=source.document_id,
        page_number=source.page_number,
        dossier_code=source.dossier_code,
        agency_code=source.agency_code,
        procedure_code=source.procedure_code,
        applicant_name=source.applicant_name,
        kind_code=source.kind_code,
        received_on=source.received_at.date(),
        text=page,
        folded_text=fold_diacritics(page),
        meta=meta,
        folded_meta=fold_diacritics(meta),
    )


def snippet(text: str, query: ParsedQuery, words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `text` around its densest run of matches, HTML-escaped, each
    matched word in <mark>. Safe to put in a page as HTML: nothing of the text is markup."""
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    if not spans:
        return ""
    folded = [_fold(text[a:b].lower()) for a, b in spans]
    marked = _matched(folded, query)
    first = _densest(marked, len(spans), words)
    last = min(len(spans), first + words)
    out: list[str] = ["… "] if first else []
    cursor = spans[first][0]
    for index in range(first, last):
        start, end = spans[index]
        out.append(html.escape(_SPACE.sub(" ", text[cursor:start])))
        word = html.escape(text[start:end])
        out.append(f"<mark>{word}</mark>" if index in marked else word)
        cursor = end
    if last < len(spans):
        out.append(" …")
    return "".join(out).strip()


def _matched(folded: list[str], query: ParsedQuery) -> set[int]:
    """Positions of the words each term matches (every word of a phrase found in sequence)."""
    marked: set[int] = set()
    for term in query.terms:
        size = len(term.folded)
        for start in range(len(folded) - size + 1):
            window = folded[start : start + size]
            head, last = window[:-1], window[-1]
            if list(term.folded[:-1]) == head and (
                last.startswith(term.folded[-1]) if term.prefix else last == term.folded[-1]
            ):
                marked.update(range(start, start + size))
    return marked


def _densest(marked: set[int], count: int, words: int) -> int:
    """First word of the window holding the most matches (a few words of lead-in kept)."""
    if not marked:
        return 0
    best, best_count = 0, -1
    for position in sorted(marked):
        start = max(0, position - 4)
        hits = sum(1 for m in marked if start <= m < start + words)
        if hits > best_count:
            best, best_count = start, hits
    return min(best, max(0, count - words)) if best_count else 0
