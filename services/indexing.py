"""Keeps the search index in step with the catalog: one call per change, and a full rebuild.

Called when recognition finishes, when a clerk corrects a page or changes a paper's metadata,
and when a paper joins or leaves a dossier. The index is derived data: `rebuild` restores it
from the catalog at any time (after a restore, or for rows recognised before search existed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from services.search_text import entry_for
from storage.search.engines import open_index
from storage.search.index import SearchIndex
from storage.search.sources import page_sources, recognised_documents

REBUILD_BATCH = 200
"""Papers per transaction of a rebuild: bounded memory, and progress survives an interruption
of the loop body only per batch (a rebuild is rerun from the start anyway)."""


class Indexer:
    def __init__(self, engine: Engine, index: SearchIndex | None = None) -> None:
        self.engine = engine
        self.index = index or open_index(engine)

    def index_document(self, document_id: str) -> None:
        """(Re)write the rows of one paper from what the catalog holds now."""
        self.index_documents([document_id])

    def index_documents(self, document_ids: Sequence[str]) -> None:
        sources = page_sources(self.engine, document_ids)
        self.index.replace(document_ids, [entry_for(source) for source in sources])

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Empty the index and index every recognised paper again; returns the papers indexed."""
        self.index.clear()
        done = 0
        for ids in recognised_documents(self.engine, REBUILD_BATCH):
            self.index.add([entry_for(s) for s in page_sources(self.engine, ids)])
            done += len(ids)
            if progress:
                progress(done)
        return done
