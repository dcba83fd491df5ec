"""Generated dossiers into a real catalog, through the same use case recognition ends with.

Shared by the relevance benchmark and the search tests: a paper's pages are recorded by
`services.processing.record_result` (objects, catalog rows, then the index hook), as if
Tesseract had read exactly the generated text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from models.recognition import DocumentResult, PageResult
from services.context import Context
from services.processing import record_result
from storage.catalog.repository import NewDocument
from synth.dossiers import SynthDossier


def document_id(dossier: SynthDossier, position: int) -> str:
    return hashlib.sha256(f"{dossier.code}/{position}".encode()).hexdigest()[:32]


def load(ctx: Context, dossiers: Iterable[SynthDossier]) -> list[SynthDossier]:
    """Create each dossier and record its papers' pages; returns what was loaded."""
    loaded = []
    for dossier in dossiers:
        ctx.catalog.create_dossier(
            code=dossier.code,
            procedure_code=dossier.procedure,
            applicant_name=dossier.applicant_name,
            applicant_id=dossier.applicant_id,
            agency_code=dossier.agency,
        )
        ids = [document_id(dossier, n) for n in range(len(dossier.papers))]
        ctx.catalog.add_documents(
            dossier.code,
            [
                NewDocument(
                    id=doc_id,
                    sha256=hashlib.sha256(doc_id.encode()).hexdigest(),
                    object_key=f"originals/{doc_id}",
                    filename=f"{paper.kind}.png",
                    content_type="image/png",
                    size=1,
                    page_count=len(paper.pages),
                    owner_id=dossier.applicant_id,
                    owner_name=dossier.applicant_name,
                    kind_code=paper.kind,
                )
                for doc_id, paper in zip(ids, dossier.papers, strict=True)
            ],
        )
        for doc_id, paper in zip(ids, dossier.papers, strict=True):
            result = DocumentResult(
                pages=[
                    PageResult(
                        number=n, width=1, height=1, text=text, words=[], mean_confidence=90.0
                    )
                    for n, text in enumerate(paper.pages, start=1)
                ],
                languages="vie",
            )
            claimed = ctx.queue.claim(doc_id, "bench/0/0", timedelta(minutes=5)).claimed
            assert claimed is not None
            record_result(ctx, claimed, result)
        loaded.append(dossier)
    return loaded
