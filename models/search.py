"""Search values shared by the use case and the index adapters: a parsed query, what one index
row holds, filters, hits. Folding happens before these are built, so adapters only match strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, Field

from models.catalog import DossierStatus

TOKEN = re.compile(r"[^\W_]+")
"""A word as the index sees it: letters and digits; punctuation separates (a dossier code
`000.00.01.H29-240115-0001` is the phrase "000 00 01 h29 240115 0001")."""

MAX_TOKEN_CHARS = 64
"""Longer runs are OCR debris (or an attack on PostgreSQL's 2 KB lexeme limit): not indexed."""


def tokens(text: str) -> list[str]:
    """The lower-case words of `text`, in order; what both index and query are cut into."""
    return [t for t in TOKEN.findall(text.lower()) if len(t) <= MAX_TOKEN_CHARS]


@dataclass(frozen=True)
class Term:
    """One thing the user asked for: a word, a phrase ("…" or a code), optionally a prefix (Nguy*).

    `folded` matches (every hit contains it); `exact` is the same words as typed, with marks,
    and only ranks: a page holding the exact spelling comes before one that matches folded.
    """

    folded: tuple[str, ...]
    exact: tuple[str, ...]
    prefix: bool = False

    @property
    def has_marks(self) -> bool:
        return self.exact != self.folded


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def marked(self) -> tuple[Term, ...]:
        """The terms typed with Vietnamese marks: the ones an exact spelling can rank by."""
        return tuple(t for t in self.terms if t.has_marks)

    @property
    def phrase(self) -> Term | None:
        """All the terms side by side, as typed: a page holding "Vũ Đức Dũng" as a name ranks
        above one with "vũ", "đức" and "sử dụng" spread over it. None for a single term."""
        if len(self.terms) < 2 or any(t.prefix for t in self.terms[:-1]):
            return None
        return Term(
            tuple(w for t in self.terms for w in t.folded),
            tuple(w for t in self.terms for w in t.exact),
            self.terms[-1].prefix,
        )


@dataclass(frozen=True)
class IndexEntry:
    """One page of a paper as seen through one dossier it belongs to: the unit of search.

    A paper reused by a later dossier is indexed once per dossier, so scoping and filters are
    column tests on one row and every hit names the dossier it was found through.
    """

    document_id: str
    page_number: int
    dossier_code: str
    agency_code: str
    procedure_code: str
    applicant_name: str
    kind_code: str | None
    received_on: date
    text: str
    """The page's text (a clerk's correction if any), normalised: shown in snippets."""
    folded_text: str
    meta: str
    """Dossier fields and paper metadata joined: code, procedure, applicant, ID, kind, number."""
    folded_meta: str


@dataclass(frozen=True)
class SearchFilters:
    agency_code: str | None = None
    """The actor's own agency (scope) or the one asked for; None: every agency (admins)."""
    procedure_code: str | None = None
    kind_code: str | None = None
    status: DossierStatus | None = None
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class RawHit:
    """A matching index row before its snippet is cut (adapters know nothing of marks)."""

    document_id: str
    page_number: int
    dossier_code: str
    applicant_name: str
    kind_code: str | None
    text: str
    score: float
    exact: bool


@dataclass(frozen=True)
class RawResults:
    total: int
    hits: list[RawHit] = field(default_factory=list)
    total_exact: bool = True
    """False when `total` is a floor: the query matched more pages than the index counts."""


class SearchHit(BaseModel):
    dossier_code: str
    document_id: str
    page: int = Field(description="page number in the paper, from 1")
    applicant_name: str
    kind_code: str | None
    snippet: str = Field(
        description="HTML-escaped text around the match, matched words in <mark>…</mark>"
    )
    score: float = Field(
        description="the hit's tier (higher ranks first): 4 for the words with the marks as "
        "typed, plus 2 for all the words side by side, plus 1 for every word in the dossier's "
        "own fields; hits of one tier are newest first"
    )
    exact: bool = Field(description="the page holds the query's words with the marks as typed")


class SearchResults(BaseModel):
    query: str
    total: int = Field(description="matching pages; a lower bound when total_exact is false")
    total_exact: bool = Field(
        default=True,
        description="false when more pages match than are counted (the total is then "
        "'at least'): counting every match of a common word costs more than the search",
    )
    limit: int
    offset: int
    hits: list[SearchHit]
