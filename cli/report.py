"""`sohoa report`: the Decision 766 indicators from the command line (JSON or CSV on stdout)."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def report(
    start: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="first receipt date counted"),
    ],
    end: Annotated[
        datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="last receipt date counted")
    ],
    acting_as: Annotated[
        str, typer.Option("--as", help="the officer, auditor or admin reading it (audited)")
    ],
    agency: Annotated[
        str | None,
        typer.Option(help="agency code; default the user's own, or every agency for an auditor"),
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="json or csv")] = ReportFormat.JSON,
) -> None:
    """Share of dossiers digitized, with electronic results, and reusing papers, over a period."""
    from cli.common import context as _context
    from cli.common import fail
    from models.auth import Actor
    from services import reports

    with _context() as ctx:
        principal, _hash, active = ctx.accounts.user(acting_as)
        if not active:
            raise fail(f"người dùng {acting_as} đã bị khóa", 7)
        actor = Actor(principal, origin=f"cli:report:{os.getpid()}")
        figures = reports.digitization(ctx, actor, start.date(), end.date(), agency)
    if fmt is ReportFormat.CSV:
        sys.stdout.write(reports.as_csv(figures))
    else:
        sys.stdout.write(figures.model_dump_json(indent=1) + "\n")
