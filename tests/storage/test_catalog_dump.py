"""The catalog's dump tools: a pg_dump older than the server is refused before it runs, with
both versions named (pg_dump itself would stop halfway with a cryptic error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.errors import BackupToolFailed
from storage.catalog import dump
from storage.catalog.database import make_engine


def test_a_pg_dump_older_than_the_server_is_refused(
    postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "bin" / "pg_dump"
    old.parent.mkdir()
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", f"{old.parent}:/usr/bin:/bin")
    engine = make_engine(postgres_database)
    try:
        with pytest.raises(BackupToolFailed) as refused:
            dump.dump(engine, tmp_path / "catalog.pgdump")
        server = dump.server_major(engine)
    finally:
        engine.dispose()
    assert f"pg_dump 9 is older than the PostgreSQL server {server}" in str(refused.value.detail)
    assert not (tmp_path / "catalog.pgdump").exists()


def test_without_pg_dump_the_operator_is_told_what_to_install(
    postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    engine = make_engine(postgres_database)
    try:
        with pytest.raises(BackupToolFailed) as refused:
            dump.dump(engine, tmp_path / "catalog.pgdump")
    finally:
        engine.dispose()
    assert "postgresql-client" in str(refused.value.detail)
