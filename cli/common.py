"""What every command shares: our errors as one-line messages, and the configured context.

Its own module so that the subcommands' modules need not import `cli.main`, which imports
them (a cycle that made each command's module depend on the whole CLI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from models.errors import SohoaError

if TYPE_CHECKING:
    from services.context import Context


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"sohoa: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def context() -> Iterator[Context]:
    """The catalog and store of the configured settings, with our errors as one-line messages."""
    from services.context import Context
    from services.settings import Settings

    try:
        ctx = Context.open(Settings())
    except SohoaError as exc:
        raise fail(f"{exc.message} [{exc.code}]", exc.exit_code) from exc
    try:
        yield ctx
    except SohoaError as exc:
        raise fail(
            f"{exc.message} [{exc.code}] {exc.detail or ''}".rstrip(), exc.exit_code
        ) from exc
    finally:
        ctx.close()
