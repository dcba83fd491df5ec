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


def page_result_key(document_id: str, page_number: int) -> str:
    return f"documents/{document_id}/pages/{page_number:04d}.json"


def page_hocr_key(document_id: str, page_number: int) -> str:
    return f"documents/{document_id}/pages/{page_number:04d}.hocr"


def document_pdf_key(document_id: str) -> str:
    return f"documents/{document_id}/document.pdf"


def artefact_owner(key: str) -> str | None:
    """The document whose hOCR or searchable PDF this key is, or None.

    These artefacts have no catalog column: they live exactly as long as their document (page
    results, by contrast, are referenced one by one by `pages.result_key`).
    """
    parts = key.split("/")
    if len(parts) < 3 or parts[0] != "documents" or not parts[1]:
        return None
    if key == document_pdf_key(parts[1]) or (parts[2] == "pages" and key.endswith(".hocr")):
        return parts[1]
    return None
