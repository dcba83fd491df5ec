"""What the running service counts, for Prometheus: requests, their latency, pages recognised,
failures by reason and the queue's depth, in one registry per process (`Context.metrics`).

Labels are bounded by the code, never by the data: a route's template (never a dossier code),
a status, an error code. A scrape reads counts only, no citizen's data, so it is authorised by
its own token (`SOHOA_METRICS_TOKEN`) and not written to the audit trail (docs/metrics.md).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from models.errors import Unauthenticated

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Seconds: a login or a page of JSON (ms), an upload decoded and judged (s), a slow PDF (tens).
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class _QueueDepth(Collector):
    """Asks the catalog at scrape time: the queue is the documents table, not a counter here."""

    def __init__(self, depth: Callable[[], Mapping[str, int]]) -> None:
        self._depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "sohoa_queue_depth", "Documents waiting or being recognised", labels=["status"]
        )
        for status, count in sorted(self._depth().items()):
            gauge.add_metric([status], count)
        yield gauge


class Metrics:
    def __init__(self, queue_depth: Callable[[], Mapping[str, int]]) -> None:
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
        self.failures = Counter(
            "sohoa_recognition_failures",
            "Failed recognition attempts, by reason (an error code; retried ones included)",
            ["reason"],
            registry=self.registry,
        )
        self.registry.register(_QueueDepth(queue_depth))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def check_scrape_token(expected: str, given: str | None) -> None:
    """Unauthenticated unless `given` is the scrape token (compared in constant time)."""
    if given is None or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Unauthenticated(detail="a valid metrics token is required")
