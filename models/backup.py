"""What a backup folder says about itself (its `manifest.json`), and what verify-store finds.

The manifest is written last, so a folder with one holds a complete backup; restore reads it to
check that every piece is there before it writes anything (docs/backup.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Progress = Callable[[str, int, int], None]
"""(stage, done, total), told after each object, so a front end can show how far it is."""


def quiet(_stage: str, _done: int, _total: int) -> None:
    """The Progress of callers that show none."""


FORMAT = 1
"""Bumped when the folder's layout changes in a way an older restore would misread."""


class ManifestObject(BaseModel):
    key: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str
    modified: datetime | None = None
    """When the store last wrote it: a later backup trusts this entry without asking again."""


class CatalogDump(BaseModel):
    file: str = Field(pattern=r"^catalog-[0-9TZ]+\.(sqlite3|pgdump)$")
    dialect: Literal["sqlite", "postgresql"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    revision: str | None
    """The catalog's Alembic revision when dumped (None: never migrated)."""


class Manifest(BaseModel):
    format: int = FORMAT
    sohoa_version: str
    created: datetime
    catalog: CatalogDump
    objects: list[ManifestObject]


@dataclass
class BackupReport:
    objects: int = 0
    copied: int = 0
    copied_bytes: int = 0
    total_bytes: int = 0
    corrupt: list[str] = field(default_factory=list)
    """Objects whose bytes no longer match their sha256: left out of the backup."""


@dataclass
class StoreReport:
    """What verify-store found: keys only (hashes and document ids, nothing personal)."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.missing and not self.corrupt
