"""The catalog copied whole to a file and back: SQLite's online backup API, or pg_dump/pg_restore.

Both copy a consistent snapshot while the service runs (SQLite's backup restarts on a write
and copies the pages as of one moment; pg_dump reads in one repeatable-read transaction), and
both carry the search index, which lives in the same database. The only module that runs
PostgreSQL's client tools.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from models.errors import BackupToolFailed, InvalidBackup
from storage.catalog.database import unavailable_as_ours

Dialect = Literal["sqlite", "postgresql"]
_TIMEOUT = 6 * 3600  # a province's catalog dumps in minutes; a hung tool must still end


def dialect_of(url: str) -> Dialect:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise InvalidBackup(detail=f"no backup for catalogs on {name}")
    return "sqlite" if name == "sqlite" else "postgresql"


def suffix(dialect: Dialect) -> str:
    return "sqlite3" if dialect == "sqlite" else "pgdump"


def dump(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the catalog to `target` (a new file)."""
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_path(engine.url), target)
    else:
        _pg_dump(engine, target)


def load(engine: Engine, source: Path) -> None:
    """Replace the whole catalog at `engine` with the dump in `source`. The caller has made
    sure nobody else uses it (restore runs with the service stopped)."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        _sqlite_copy(source, _sqlite_path(engine.url))
    else:
        _pg_restore(engine, source)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise InvalidBackup(detail="an in-memory catalog cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's backup API, page by page: the source stays usable by the service meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise InvalidBackup(detail=f"sqlite backup: {exc}") from exc


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupToolFailed(detail=f"{name} not found on PATH (install postgresql-client)")
    return path


def _tool_major(path: str) -> int:
    run = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"(\d+)(?:\.\d+)?", run.stdout)
    if run.returncode != 0 or found is None:
        raise BackupToolFailed(detail=f"{path} --version: {run.stdout or run.stderr}"[:300])
    return int(found.group(1))


def server_major(engine: Engine) -> int:
    with unavailable_as_ours(), engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _check_version(tool: str, engine: Engine) -> str:
    """pg_dump cannot dump a server newer than itself (and an older one misses what the newer
    server has): refuse early with both versions rather than halfway with a cryptic error."""
    path = _tool(tool)
    mine, server = _tool_major(path), server_major(engine)
    if mine < server:
        raise BackupToolFailed(
            detail=f"{tool} {mine} is older than the PostgreSQL server {server}; "
            f"install postgresql-client-{server}"
        )
    return path


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string and environment: the password goes in the environment, never
    on a command line other users of the machine can read."""
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    fields.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    conninfo = " ".join(
        f"{k}='{str(v).replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
        for k, v in fields.items()
        if v is not None
    )
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        run = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupToolFailed(detail=f"{Path(command[0]).name}: {exc}"[:300]) from exc
    if run.returncode != 0:
        raise BackupToolFailed(detail=f"{Path(command[0]).name}: {run.stderr.strip()[-500:]}")


def _pg_dump(engine: Engine, target: Path) -> None:
    path = _check_version("pg_dump", engine)
    conninfo, env = _libpq(engine.url)
    # custom format: compressed, and pg_restore can order and check it; no owners nor grants,
    # so it restores into a database of another role (the service's grants are made again at
    # start, services/context.py)
    _run(
        [path, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", conninfo],
        env,
    )


def _pg_restore(engine: Engine, source: Path) -> None:
    path = _check_version("pg_restore", engine)
    with unavailable_as_ours(), engine.begin() as connection:
        # whatever the target holds goes (it was empty, or the operator said --force); tables
        # of a newer migration than the dump's would otherwise survive and break the upgrade
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    conninfo, env = _libpq(engine.url)
    _run(
        [
            path,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(source),
        ],
        env,
    )
