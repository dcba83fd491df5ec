"""Where things live in the object store (see docs/storage.md).

Originals are content-addressed, so the same bytes are stored once however often they are
uploaded; derived artefacts hang under the document that produced them.
"""

from __future__ import annotations

import re

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def original_key(sha256: str) -> str:
    if _SHA256.match(sha256) is None:
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return f"originals/{sha256[:2]}/{sha256}"


def _folder(document_id: str, scan_sha256: str | None) -> str:
    # a scan's artefacts live under that scan: a late result of a replaced scan cannot
    # overwrite the new scan's, and the old scan's (every page of it) become orphans the sweep
    # removes; keys without a scan are those written before (still read, never written)
    scan = f"scans/{scan_sha256[:16]}/" if scan_sha256 else ""
    return f"documents/{document_id}/{scan}"


def page_result_key(document_id: str, page_number: int, scan_sha256: str | None = None) -> str:
    return f"{_folder(document_id, scan_sha256)}pages/{page_number:04d}.json"


def page_hocr_key(document_id: str, page_number: int, scan_sha256: str | None = None) -> str:
    return f"{_folder(document_id, scan_sha256)}pages/{page_number:04d}.hocr"


def document_pdf_key(document_id: str, scan_sha256: str | None = None) -> str:
    return f"{_folder(document_id, scan_sha256)}document.pdf"


def hocr_key_of(result_key: str) -> str:
    """The hOCR beside a page's result (same scan, same page)."""
    return result_key.removesuffix(".json") + ".hocr"


def pdf_key_of(result_key: str) -> str:
    """The searchable PDF of the scan a page's result belongs to."""
    return result_key.rsplit("pages/", 1)[0] + "document.pdf"


def artefact_owner(key: str) -> tuple[str, str | None] | None:
    """The document (and the scan, by its sha256's first 16 digits) whose hOCR or searchable
    PDF this key is, or None.

    These artefacts have no catalog column: they live exactly as long as their document's scan
    (page results, by contrast, are referenced one by one by `pages.result_key`).
    """
    parts = key.split("/")
    if len(parts) < 3 or parts[0] != "documents" or not parts[1]:
        return None
    document_id, scan = parts[1], None
    if parts[2] == "scans" and len(parts) >= 5:
        scan = parts[3]
    rest = parts[4:] if scan else parts[2:]
    if rest == ["document.pdf"] or (
        len(rest) == 2 and rest[0] == "pages" and key.endswith(".hocr")
    ):
        return document_id, scan
    return None
