"""`sohoa search`: search the catalog from a terminal as a named user (audited), or rebuild the
index from the catalog (`--rebuild`). Registered on the app by `cli.main`."""

from __future__ import annotations

import os
import re
from typing import Annotated

import typer

_MARK = re.compile(r"</?mark>")


def search(
    query: Annotated[
        str | None,
        typer.Argument(help='words, "a phrase", a code, Nguy*; marks optional', show_default=False),
    ] = None,
    acting_as: Annotated[
        str | None, typer.Option("--as", help="the user the search is done as (audited)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="hits to show")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="hits to skip (paging)")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="the API's JSON instead of lines")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="empty the index and index every recognised page")
    ] = False,
) -> None:
    """Search dossiers and papers, with or without Vietnamese marks; or rebuild the index."""
    from cli.common import context as _context
    from cli.common import fail
    from models.auth import Actor
    from services import search as use_case

    with _context() as ctx:
        if rebuild:
            count = ctx.search.rebuild(
                lambda done: typer.echo(f"\r{done} giấy tờ", nl=False, err=True)
            )
            typer.echo(f"\nindexed {count} paper(s)")
            return
        if query is None or acting_as is None:
            raise fail("cần từ khóa tìm kiếm và --as <người dùng> (hoặc --rebuild)", 2)
        principal, _hash, active = ctx.accounts.user(acting_as)
        if not active:
            raise fail(f"người dùng {acting_as} đã bị khóa", 7)
        actor = Actor(principal, origin=f"cli:search:{os.getpid()}")
        results = use_case.search(ctx, actor, query, limit=limit, offset=offset)
    if as_json:
        typer.echo(results.model_dump_json(indent=2))
        return
    typer.echo(f"{'' if results.total_exact else 'hơn '}{results.total} kết quả")
    for hit in results.hits:
        plain = _MARK.sub("", hit.snippet)
        typer.echo(f"{hit.dossier_code}\t{hit.document_id}\ttrang {hit.page}\t{plain}")
