"""The catalog half of the storage benchmark (bench/storage.py): fill a catalog with N papers,
then time the queries the API, the worker and the sweep make, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import create_engine, insert, text

from models.catalog import DocumentStatus, DossierStatus
from storage.catalog import migrate
from storage.catalog.database import make_engine
from storage.catalog.queue import WorkQueue
from storage.catalog.repository import Catalog
from storage.catalog.tables import DocumentRow, DossierDocumentRow, DossierRow, JobRow, utcnow
from storage.keys import original_key

PG_ADMIN = os.environ.get(
    "SOHOA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def fill_catalog(
    url: str, documents: int, sha_of: Callable[[int], str] = lambda i: f"{i:064x}"
) -> float:
    """`documents` papers in dossiers of five, owners with several papers each; returns seconds.

    `sha_of(i)`: the sha256 of paper i's original (bench/backup.py stores real bytes under it).
    """
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(7)
    began = time.perf_counter()
    now = utcnow()
    batch = 5000
    with engine.begin() as connection:
        for start in range(0, documents, batch):
            dossiers, docs, links, jobs = [], [], [], []
            for i in range(start, min(start + batch, documents)):
                dossier_id = i // 5 + 1
                if i % 5 == 0:
                    dossiers.append(
                        {
                            "id": dossier_id,
                            "code": f"000.00.01.H29-{240101 + dossier_id // 9999 % 28:06d}"
                            f"-{dossier_id % 9999 + 1:04d}-{dossier_id}",
                            "procedure_code": "1.001193",
                            "applicant_name": "Nguyễn Văn An",
                            "applicant_id": f"{79193000000 + dossier_id // 2:012d}",
                            "agency_code": "000.00.01.H29",
                            # the day the code says (column added after this benchmark)
                            "received_on": date(2024, 1, 1 + dossier_id // 9999 % 28),
                            "status": DossierStatus.COMPLETED,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                sha = sha_of(i)
                status = DocumentStatus.DONE if rng.random() > 0.01 else DocumentStatus.QUEUED
                docs.append(
                    {
                        "id": f"{i:032x}",
                        "sha256": sha,
                        "object_key": original_key(sha),
                        "filename": f"scan-{i}.jpg",
                        "content_type": "image/jpeg",
                        "size": 500_000,
                        "page_count": 1,
                        "status": status,
                        "attempts": 0,
                        "created_at": now,
                        "updated_at": now,
                        "owner_id": f"{79193000000 + dossier_id // 2:012d}",
                        "kind_code": rng.choice(["CCCD", "KS", "KH", "QSDD", "DKDN"]),
                        "permanent": False,
                        "role": "submitted",
                    }
                )
                links.append(
                    {
                        "dossier_id": dossier_id,
                        "document_id": f"{i:032x}",
                        "position": i % 5,
                        "reused": False,
                        "digitized": True,
                        "created_at": now,
                    }
                )
                jobs.append(
                    {
                        "document_id": f"{i:032x}",
                        "kind": "recognise",
                        "state": "done" if status == DocumentStatus.DONE else "queued",
                        "attempts": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if dossiers:
                connection.execute(insert(DossierRow), dossiers)
            connection.execute(insert(DocumentRow), docs)
            connection.execute(insert(DossierDocumentRow), links)
            connection.execute(insert(JobRow), jobs)
    seconds = time.perf_counter() - began
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return seconds


def bench_catalog(url: str, documents: int, repeat: int) -> tuple[float, list[dict[str, object]]]:
    fill_seconds = fill_catalog(url, documents)
    catalog = Catalog(make_engine(url))
    queue = WorkQueue(catalog.engine)
    rng = random.Random(11)
    dossiers = documents // 5

    def some_dossier() -> str:
        with catalog.engine.connect() as connection:
            code = connection.scalar(
                text("SELECT code FROM dossiers WHERE id = :id"),
                {"id": rng.randint(1, dossiers)},
            )
        return str(code)

    codes = [some_dossier() for _ in range(repeat)]
    queries: list[tuple[str, Callable[[int], object]]] = [
        ("dossier with its documents, by code", lambda i: catalog.get_dossier(codes[i])),
        (
            "document with pages, by id",
            lambda i: catalog.get_document(f"{rng.randrange(documents):032x}"),
        ),
        (
            "papers of one owner (reuse look-up)",
            lambda i: catalog.documents_of_owner(
                f"{79193000000 + rng.randint(1, dossiers) // 2:012d}"
            ),
        ),
        (
            "document by sha256 (dedup)",
            lambda i: catalog.find_by_sha256(f"{rng.randrange(documents):064x}"),
        ),
        (
            "which of 500 keys are referenced (sweep)",
            lambda i: catalog.referenced(
                original_key(f"{rng.randrange(documents * 2):064x}") for _ in range(500)
            ),
        ),
        (
            "claim the next queued document",
            lambda i: queue.claim_next("bench/0/0", timedelta(minutes=5)),
        ),
    ]
    rows: list[dict[str, object]] = []
    for name, query in queries:
        latencies = []
        for i in range(repeat):
            began = time.perf_counter()
            query(i)
            latencies.append(time.perf_counter() - began)
        p50, p95 = percentiles(latencies)
        rows.append({"query": name, "p50 ms": p50 * 1000, "p95 ms": p95 * 1000})
    catalog.engine.dispose()
    return fill_seconds, rows


@contextmanager
def postgres_database() -> Iterator[str | None]:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"sohoa_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: the PostgreSQL column is left out, and said so
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipping it", file=sys.stderr)
        yield None
        return
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
