"""/metrics of a `sohoa worker`: the counters of all its Celery processes, summed, served on
`SOHOA_WORKER_METRICS_PORT` behind the scrape token.

A prefork worker recognises in child processes, each with its own counters: prometheus-client's
multiprocess mode has each process write its values to a file of a shared folder, and the
worker's main process serves their sum (docs/metrics.md says why this rather than a port per
process). The mode is chosen by an environment variable that must be set before
prometheus_client is first imported: `prepare` runs first thing in `sohoa worker`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from models.errors import SohoaError
from services.settings import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


def prepare(settings: Settings) -> Path | None:
    """Switch this process (and the children it forks) to multiprocess metrics, in an empty
    folder; None when the worker serves no metrics."""
    if settings.worker_metrics_port is None:
        return None
    if settings.metrics_token is None:
        raise ValueError("SOHOA_WORKER_METRICS_PORT needs SOHOA_METRICS_TOKEN")
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:  # the operator's folder: last run's files would be summed with this run's
        path = Path(folder)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    else:
        path = Path(tempfile.mkdtemp(prefix="sohoa-metrics-"))
        os.environ[MULTIPROC_ENV] = str(path)
    return path


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """A scrape every 15 s is not worth a log line."""


def serve(settings: Settings, host: str = "0.0.0.0") -> WSGIServer:  # noqa: S104
    """Serve the summed metrics on the worker's port, in a daemon thread; returns the server."""
    from prometheus_client import CollectorRegistry, make_wsgi_app, multiprocess

    from services.metrics import bearer, check_scrape_token

    assert settings.worker_metrics_port is not None and settings.metrics_token is not None
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    metrics = make_wsgi_app(registry)
    token = settings.metrics_token.get_secret_value()

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        try:
            check_scrape_token(token, bearer(environ.get("HTTP_AUTHORIZATION")))
        except SohoaError:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"a valid metrics token is required\n"]
        return metrics(environ, start_response)  # type: ignore[no-any-return]

    server = make_server(
        host, settings.worker_metrics_port, app, server_class=_Server, handler_class=_Quiet
    )
    threading.Thread(target=server.serve_forever, name="sohoa-metrics", daemon=True).start()
    return server
