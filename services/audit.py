"""Reading the audit log: for auditors and admins only, and every reading is itself recorded."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator

from models.audit import AuditFilter
from models.auth import Actor, AuditAction, Permission
from models.schemas import AuditEventPublic, AuditEventsPublic
from services.access import require
from services.context import Context
from services.links import secret_key

COLUMNS = tuple(AuditEventPublic.model_fields)


def events(
    ctx: Context, actor: Actor, where: AuditFilter, *, limit: int, offset: int
) -> AuditEventsPublic:
    require(actor, Permission.READ_AUDIT)
    ctx.audit.record(actor, AuditAction.AUDIT_READ, object_type="audit", detail=_describe(where))
    rows = ctx.audit.events(where, limit=limit, offset=offset)
    return AuditEventsPublic(
        data=rows,
        count=ctx.audit.count(where),
    )


def csv_lines(ctx: Context, actor: Actor, where: AuditFilter) -> Iterator[str]:
    """The export as CSV lines, produced batch by batch (the log may hold millions of rows)."""
    require(actor, Permission.READ_AUDIT)
    ctx.audit.record(
        actor, AuditAction.AUDIT_READ, object_type="audit", detail="export " + _describe(where)
    )

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for event in ctx.audit.stream(where):
            writer.writerow([cell(getattr(event, column)) for column in COLUMNS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return lines()


def cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    # a cell starting with = + - @ is a formula to a spreadsheet, and a tab or a carriage
    # return before one still is (OWASP's list): defuse it (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pseudonym(ctx: Context, personal_id: str) -> str:
    """How the audit log names a citizen looked up by personal ID: a keyed hash, so the
    auditor does not read the ID, yet can tell whether a given ID was looked up (by computing
    its pseudonym with the installation's secret key) and that two lookups were of one person."""
    mac = hmac.new(secret_key(ctx.settings), b"audit:" + personal_id.encode(), hashlib.sha256)
    return "pid:" + mac.hexdigest()[:24]


def _describe(where: AuditFilter) -> str:
    return " ".join(f"{k}={v}" for k, v in vars(where).items() if v is not None)[:500]
