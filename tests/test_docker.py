"""The compose file cannot be run here (no Docker engine), so what can drift is checked."""

from pathlib import Path

import yaml

from services.settings import Settings

COMPOSE = Path(__file__).resolve().parent.parent / "docker" / "compose.yaml"


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_service_has_a_healthcheck_and_state_lives_in_volumes() -> None:
    services = _compose()["services"]
    assert set(services) == {"api", "worker", "postgres", "minio", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    for name in ("postgres", "minio", "redis"):
        assert services[name]["volumes"], name
    assert set(_compose()["volumes"]) == {"postgres-data", "minio-data", "redis-data"}


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
