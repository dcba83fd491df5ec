"""What the running service counts, for Prometheus: requests and their latency, pages
recognised and their seconds by stage, documents finished by status (the needs-review share),
failures by reason, search latency; and, asked of the catalog at each scrape, the queue's depth,
the age of its oldest document and the backfiles' progress. One registry per process
(`Context.metrics`); a Celery worker's processes are summed by services/worker_metrics.py.

Labels are bounded by the code, never by the data: a route's template (never a dossier code),
a status, an error code, a stage's name. A scrape reads counts only, no citizen's data, so it
is authorised by its own token (`SOHOA_METRICS_TOKEN`) and not audited (docs/metrics.md).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from models.catalog import Backlog
from models.errors import Unauthenticated

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Seconds: a login or a page of JSON (ms), an upload decoded and judged (s), a slow PDF (tens).
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# A stage of a page: layout ~50 ms, Tesseract ~1 s, a 12 MP photo's geometry several seconds.
_STAGE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 120)


class BacklogGauges(Collector):
    """Asks the catalog at scrape time: the queue is the documents table, not a counter here,
    and it is the same for every replica (docs/metrics.md: scrape it from the API only)."""

    def __init__(self, backlog: Callable[[], Backlog]) -> None:
        self._backlog = backlog

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self._backlog()
        depth = GaugeMetricFamily(
            "sohoa_queue_depth", "Documents waiting or being recognised", labels=["status"]
        )
        for status, count in sorted(now.depth.items()):
            depth.add_metric([status], count)
        yield depth
        waited = 0.0
        if now.oldest_queued is not None:
            waited = max(0.0, (datetime.now(UTC) - now.oldest_queued).total_seconds())
        yield GaugeMetricFamily(
            "sohoa_queue_oldest_seconds",
            "Seconds the longest-waiting queued document has waited (0: none waits)",
            value=waited,
        )
        files = GaugeMetricFamily(
            "sohoa_backfile_files", "Files of all backfile sources by status", labels=["status"]
        )
        for status, count in sorted(now.backfile.items()):
            files.add_metric([status], count)
        yield files


class Metrics:
    def __init__(self, backlog: Callable[[], Backlog] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "sohoa_http_requests",
            "HTTP requests answered, by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "sohoa_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.pages_recognised = Counter(
            "sohoa_pages_recognised",
            "Pages recognised and recorded by this process's workers",
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "sohoa_page_stage_seconds",
            "Seconds a page spent in each stage of recognition (ocr.pipeline)",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self.documents = Counter(
            "sohoa_documents_recognised",
            "Documents finished by this process's workers, by status (done, needs_review, failed)",
            ["status"],
            registry=self.registry,
        )
        self.failures = Counter(
            "sohoa_recognition_failures",
            "Failed recognition attempts, by reason (an error code; retried ones included)",
            ["reason"],
            registry=self.registry,
        )
        self.search_latency = Histogram(
            "sohoa_search_duration_seconds",
            "Time to search the index and cut the snippets of one page of hits",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        if backlog is not None:
            self.registry.register(BacklogGauges(backlog))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_pages(self, stage_seconds: Iterable[Mapping[str, float]]) -> None:
        """A document's pages were recorded: count them and their seconds by stage."""
        for page in stage_seconds:
            self.pages_recognised.inc()
            for stage, seconds in page.items():
                self.stage_seconds.labels(stage).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def check_scrape_token(expected: str, given: str | None) -> None:
    """Unauthenticated unless `given` is the scrape token (compared in constant time)."""
    if given is None or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Unauthenticated(detail="a valid metrics token is required")


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, else None."""
    header = header or ""
    return header[7:].strip() if header[:7].lower() == "bearer " else None
