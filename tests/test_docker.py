"""The compose file cannot be run here (no Docker engine), so what can drift is checked: its
services, the settings it sets, what Prometheus scrapes and what the dashboard asks for."""

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from models.catalog import Backlog
from services.metrics import Metrics
from services.settings import Settings

DOCKER = Path(__file__).resolve().parent.parent / "docker"
COMPOSE = DOCKER / "compose.yaml"
WATCHERS = ("prometheus", "grafana")


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_service_has_a_healthcheck_and_state_lives_in_volumes() -> None:
    services = _compose()["services"]
    assert set(services) == {"api", "worker", "postgres", "minio", "redis", *WATCHERS}
    for name, service in services.items():
        assert "healthcheck" in service, name
    for name in ("postgres", "minio", "redis", *WATCHERS):
        assert services[name]["volumes"], name
    assert set(_compose()["volumes"]) == {
        "postgres-data",
        "minio-data",
        "redis-data",
        "prometheus-data",
        "grafana-data",
    }


def test_compose_sets_only_real_settings() -> None:
    known = {f"SOHOA_{name.upper()}" for name in Settings.model_fields}
    for name in ("api", "worker"):
        environment = _compose()["services"][name]["environment"]
        assert isinstance(environment, dict)
        unknown = {key for key in environment if key.startswith("SOHOA_")} - known
        assert unknown == set(), (name, unknown)
        assert environment["SOHOA_OBJECT_STORE"] == "s3"
        assert str(environment["SOHOA_DATABASE_URL"]).startswith("postgresql+psycopg://")


def test_the_api_does_not_recognise_and_celery_workers_do() -> None:
    services = _compose()["services"]
    assert services["api"]["environment"]["SOHOA_WORKERS"] == "0"  # type: ignore[index]
    assert "ports" not in services["worker"]
    assert services["worker"]["command"][:2] == ["sohoa", "worker"]  # type: ignore[index]
    for name in ("api", "worker"):
        environment = services[name]["environment"]
        assert str(environment["SOHOA_QUEUE_URL"]).startswith("redis://redis:")  # type: ignore[index]


def _exported() -> set[str]:
    """Every sample name sohoa exports: the API's registry with its catalog gauges."""
    metrics = Metrics(backlog=lambda: Backlog({"queued": 0}, None, {"done": 0}))
    metrics.observe_request("GET", "/healthz", 200, 0.01)
    metrics.observe_pages([{"tesseract": 0.5}])
    metrics.documents.labels("done").inc()
    metrics.failures.labels("bug").inc()
    metrics.search_latency.observe(0.01)
    families = text_string_to_metric_families(metrics.render().decode())
    return {sample.name for family in families for sample in family.samples}


def test_the_dashboard_asks_only_for_metrics_we_export() -> None:
    dashboard = json.loads((DOCKER / "grafana" / "dashboards" / "sohoa.json").read_text("utf-8"))
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    asked = {name for expr in exprs for name in re.findall(r"\bsohoa_[a-z_]+", expr)}
    exported = _exported()
    assert asked - exported == set()
    # and it shows each thing the operator's guide says it does
    for needed in (
        "sohoa_http_requests_total",
        "sohoa_http_request_duration_seconds_bucket",
        "sohoa_pages_recognised_total",
        "sohoa_page_stage_seconds_bucket",
        "sohoa_queue_depth",
        "sohoa_queue_oldest_seconds",
        "sohoa_recognition_failures_total",
        "sohoa_documents_recognised_total",
        "sohoa_backfile_files",
        "sohoa_search_duration_seconds_bucket",
    ):
        assert needed in asked, needed
    datasources = {t["datasource"]["uid"] for p in dashboard["panels"] for t in p["targets"]}
    provisioned = yaml.safe_load(
        (DOCKER / "grafana" / "provisioning" / "datasources" / "prometheus.yaml").read_text()
    )
    assert datasources == {d["uid"] for d in provisioned["datasources"]}


def test_prometheus_scrapes_the_api_and_the_workers_on_their_ports() -> None:
    config = yaml.safe_load((DOCKER / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["sohoa-api"]["static_configs"][0]["targets"] == ["api:8000"]
    services = _compose()["services"]
    worker_port = services["worker"]["environment"]["SOHOA_WORKER_METRICS_PORT"]  # type: ignore[index]
    assert jobs["sohoa-worker"]["dns_sd_configs"][0]["port"] == int(str(worker_port))
    for job in jobs.values():  # the token is sent, read from the file the entrypoint writes
        assert job["authorization"]["credentials_file"] in str(services["prometheus"]["command"])
    for name in ("api", "worker"):
        assert "SOHOA_METRICS_TOKEN" in services[name]["environment"]  # type: ignore[operator]
