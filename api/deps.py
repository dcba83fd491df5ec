"""Dependencies of the routes, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.context import Context
from services.processing import WorkerPool


def _context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def _workers(request: Request) -> WorkerPool:
    workers: WorkerPool = request.app.state.workers
    return workers


ContextDep = Annotated[Context, Depends(_context)]
WorkersDep = Annotated[WorkerPool, Depends(_workers)]
