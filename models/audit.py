"""What a reader of the audit log asks for: the filter of its pages and of its export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.auth import AuditAction


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: AuditAction | None = None
    object_id: str | None = None
