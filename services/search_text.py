"""Search's Vietnamese text work: parse what the user typed, fold what is indexed, cut snippets.

Index and query go through the same two steps (`ocr.vietnamese`: the stored form with one tone
placement, then marks folded away), so "nguyen van an", "Nguyen Van An" and "Nguyễn Văn An",
composed or decomposed, meet "NGUYỄN VĂN AN" on the same folded words, and "hoà" typed meets
"hòa" printed (and the other way) on the same exact word.
"""

from __future__ import annotations

import bisect
import html
import itertools
import re
from functools import lru_cache

from models.errors import InvalidQuery
from models.kinds import label_of
from models.search import TOKEN, IndexEntry, ParsedQuery, Term, tokens
from ocr.vietnamese.normalise import fold_diacritics, fold_normalised, fold_tone_placement
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
    for match in _PIECE.finditer(fold_tone_placement(q)):
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


def entry_for(source: PageSource) -> IndexEntry:
    """The index row of one page seen through one dossier: text and fields, exact and folded.

    "Exact" is with every tone in the old place: the page keeps the placement it prints ("hoà"),
    its index row the one placement queries are folded to, so either way of typing ranks it."""
    page = fold_tone_placement(source.text)
    meta = fold_tone_placement(
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
                label_of(source.kind_code) or "",
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
        folded_text=fold_normalised(page),
        meta=meta,
        folded_meta=fold_normalised(meta),
    )


def snippet(text: str, query: ParsedQuery, words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `text` around its densest run of matches, HTML-escaped, each
    matched word in <mark>. Safe to put in a page as HTML: nothing of the text is markup."""
    found = TOKEN.findall(text)
    count = len(found)
    if not count:
        return ""
    # each word folded through a cache: pages share most of their words, so twenty snippets
    # cost a few thousand dictionary lookups rather than twenty folds of whole pages
    folded = [_fold_cased(w) for w in found]
    marked = _matched(folded, query)
    first = _densest(marked, count, words)
    last = min(count, first + words)
    out: list[str] = ["… "] if first else []
    cursor = None
    for index, match in enumerate(itertools.islice(TOKEN.finditer(text), last)):
        if index < first:
            continue
        start, end = match.span()
        if cursor is not None:
            out.append(html.escape(text[cursor:start]))
        word = match.group()  # letters and digits only (TOKEN): nothing to escape
        out.append(f"<mark>{word}</mark>" if index in marked else word)
        cursor = end
    if last < count:
        out.append(" …")
    # escaped text and marks hold no white space of their own: one pass collapses the gaps'
    return _SPACE.sub(" ", "".join(out)).strip()


@lru_cache(maxsize=65_536)
def _fold_cased(word: str) -> str:
    return _fold(word.lower())


def _matched(folded: list[str], query: ParsedQuery) -> set[int]:
    """Positions of the words each term matches (every word of a phrase found in sequence)."""
    marked: set[int] = set()
    for term in query.terms:
        size, head, last = len(term.folded), term.folded[0], term.folded[-1]
        if term.prefix and size == 1:
            starts = [i for i, w in enumerate(folded) if w.startswith(head)]
        else:
            starts = _positions(folded, head)
        for start in starts:
            window = folded[start : start + size]
            if (
                len(window) == size
                and tuple(window[:-1]) == term.folded[:-1]
                and (window[-1].startswith(last) if term.prefix else window[-1] == last)
            ):
                marked.update(range(start, start + size))
    return marked


def _positions(words: list[str], word: str) -> list[int]:
    """Where `word` is in `words` (list.index runs in C: a fifth of a comprehension's time)."""
    found: list[int] = []
    at = -1
    try:
        while True:
            at = words.index(word, at + 1)
            found.append(at)
    except ValueError:
        return found


def _densest(marked: set[int], count: int, words: int) -> int:
    """First word of the window holding the most matches (a few words of lead-in kept)."""
    if not marked:
        return 0
    ordered = sorted(marked)
    best, best_count = 0, -1
    for position in ordered:
        start = max(0, position - 4)
        hits = bisect.bisect_left(ordered, start + words) - bisect.bisect_left(ordered, start)
        if hits > best_count:
            best, best_count = start, hits
    return min(best, max(0, count - words)) if best_count else 0
