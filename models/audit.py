"""The audit log's values: an event to record (with the change it records, in one
transaction), and what a reader asks for (the filter of its pages and of its export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.auth import Actor, AuditAction


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: AuditAction | None = None
    object_id: str | None = None


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit log, before it is written. A change's event travels with the
    change into the catalog and is committed in the same transaction: a change never happens
    without its audit row, whatever crashes between."""

    actor: Actor | None
    action: AuditAction
    object_type: str
    object_id: str | None = None
    dossier_code: str | None = None
    outcome: str = "allowed"
    detail: str | None = None
    actor_name: str | None = None
