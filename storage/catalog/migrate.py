"""Bring a catalog database to the newest schema with Alembic (run at every start: idempotent)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from storage.catalog.database import unavailable_as_ours

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with unavailable_as_ours(), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
