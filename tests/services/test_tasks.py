"""The Celery task's retry of a document another worker holds (services/tasks.py)."""

from __future__ import annotations

from pathlib import Path

from services.settings import Settings
from services.tasks import busy_countdown


def settings(tmp_path: Path, lease: int, visibility: int) -> Settings:
    return Settings(
        data_dir=tmp_path, lease_seconds=lease, queue_visibility_timeout=visibility, workers=0
    )


def test_a_busy_document_is_asked_again_when_its_lease_could_have_expired(
    tmp_path: Path,
) -> None:
    assert busy_countdown(settings(tmp_path, lease=120, visibility=3600)) == 120


def test_the_wait_stays_inside_the_brokers_visibility_timeout(tmp_path: Path) -> None:
    # held past the visibility timeout, the waiting task would be delivered again (Redis)
    assert busy_countdown(settings(tmp_path, lease=120, visibility=8)) == 4
    assert busy_countdown(settings(tmp_path, lease=120, visibility=5)) == 2
