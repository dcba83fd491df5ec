"""Reuse: a paper digitized once is linked, never scanned or recognised again (issue 7).

Three ways a paper already in sohoa is found again: the same bytes uploaded (exact duplicate,
linked at intake, nothing queued), the applicant's papers listed by personal ID (one click links
one), and a rescan of the same paper (near-duplicate: same owner, kind and key fields), which is
recorded after recognition and offered to the clerk in place of the new copy.

Agency scoping: a paper is reused only in a dossier of an agency that holds it already (the
target dossier's agency, whoever the uploader is: an admin who sees every agency must not link
agency A's paper into agency B's dossier, where B's clerks would read and edit it). A duplicate
held only by another agency is a new paper of this agency (the bytes are stored once, under
their sha256; the paper is catalogued twice), recognised as usual (see docs/reuse.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Literal

from models.audit import AuditEvent
from models.auth import Actor
from models.catalog import DocumentStatus, Paper
from models.kinds import DocumentKind
from services.context import Context

DIGITIZED = frozenset({DocumentStatus.DONE, DocumentStatus.NEEDS_REVIEW})
"""A paper with a digitized copy: recognised, possibly with pages a person should look at."""

_ID_CARDS = frozenset({DocumentKind.ID_CARD, DocumentKind.ID_CARD_OLD})


def expired(row: Paper, today: date | None = None) -> bool:
    return (
        not row.permanent
        and row.valid_until is not None
        and row.valid_until < (today or date.today())
    )


Validity = Literal["permanent", "valid", "expired", "unknown"]


def validity(row: Paper, today: date | None = None) -> Validity:
    """permanent, valid (until a known date), expired, or unknown (no validity recorded)."""
    if row.permanent:
        return "permanent"
    if row.valid_until is None:
        return "unknown"
    return "expired" if expired(row, today) else "valid"


def exact_duplicate(ctx: Context, agency: str, sha256: str) -> str | None:
    """The paper with exactly these bytes filed by `agency` (the target dossier's), digitized
    or on its way (queued or processing: a double upload is not recognised twice either);
    else None.

    A failed paper is not reused: its failure may have been transient, so the bytes get a
    fresh document and a fresh try.
    """
    for row in ctx.catalog.documents_with_sha256(sha256):
        if row.status == DocumentStatus.FAILED:
            continue
        if in_agency(ctx, agency, row.id):
            return row.id
    return None


def in_agency(ctx: Context, agency: str, document_id: str) -> bool:
    """Is the paper in a dossier of this agency (not removed from it)?"""
    return agency in _agencies(ctx, document_id)


def link(
    ctx: Context, dossier_code: str, document_id: str, audit: Sequence[AuditEvent] = ()
) -> bool:
    """Make the paper a reused component of the dossier, with its `audit` rows in the same
    transaction; False (nothing written) when it is in it already.

    A link the clerk removed earlier is shown again (it keeps its history) rather than doubled.
    """
    if dossier_code in {code for code, _ in ctx.catalog.document_dossiers(document_id)}:
        return False
    if not ctx.papers.set_link_removed(dossier_code, document_id, None, audit=audit):
        ctx.catalog.reuse_document(dossier_code, document_id, audit=audit)
    ctx.search.index_document(document_id)  # found through this dossier too from now on
    return True


def detect_near_duplicate(ctx: Context, document_id: str) -> str | None:
    """Record (and return) the earlier paper this one is a rescan of, or clear it (None).

    The one call `record_result` makes once a paper's kind and fields are known, and that a
    clerk's metadata change makes again. Same owner, same kind, same key fields (see
    `same_paper`); the earlier paper must be digitized, still valid, not itself a rescan, and
    filed in a dossier of an agency this paper's dossiers belong to, so that whoever sees the
    offer may also open what it offers.
    """
    row = ctx.catalog.get_document(document_id)
    earlier: Paper | None = None
    if row.owner_id and row.kind_code:
        agencies = _agencies(ctx, row.id)
        owned = ctx.catalog.documents_of_owner(row.owner_id, agencies=agencies)
        for candidate in owned:  # newest first
            if (
                candidate.id != row.id
                and candidate.created_at <= row.created_at
                and candidate.duplicate_of is None
                and candidate.status in DIGITIZED
                and not expired(candidate)
                and same_paper(row, candidate)
                and agencies & _agencies(ctx, candidate.id)
            ):
                earlier = candidate  # keep going: the oldest copy is the one to keep
    found = earlier.id if earlier is not None else None
    if found != row.duplicate_of:
        ctx.papers.set_duplicate_of(document_id, found)
    return found


def same_paper(a: Paper, b: Paper) -> bool:
    """Two documents are one paper scanned twice when owner and kind match and so do the key
    fields: the personal ID for an ID card (the owner's, unless a number was read off it),
    else the number/symbol (số ký hiệu, số vào sổ), which must be known on both.

    Issue dates, when both are known, must agree: a renewed ID card or a re-issued certificate
    carries the same number with a new date, and it is a new paper, not a rescan.
    """
    if a.owner_id != b.owner_id or a.kind_code != b.kind_code or a.kind_code is None:
        return False
    if a.issue_date and b.issue_date and a.issue_date != b.issue_date:
        return False
    if a.kind_code in _ID_CARDS:
        return _number(a.number_symbol or a.owner_id) == _number(b.number_symbol or b.owner_id)
    number = _number(a.number_symbol)
    return number is not None and number == _number(b.number_symbol)


def _number(value: str | None) -> str | None:
    """A number/symbol compared as a clerk would: case, spaces and Unicode form ignored."""
    if not value:
        return None
    return "".join(unicodedata.normalize("NFC", value).split()).upper() or None


def visible(ctx: Context, actor: Actor, document_id: str) -> bool:
    links = ctx.catalog.document_dossiers(document_id)
    return any(actor.principal.sees_agency(agency) for _, agency in links)


def _agencies(ctx: Context, document_id: str) -> set[str]:
    return {agency for _, agency in ctx.catalog.document_dossiers(document_id)}
