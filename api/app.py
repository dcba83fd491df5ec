"""The FastAPI application: routes under /api/v1, OpenAPI at /docs, workers in the lifespan."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.guard import RequestGuard, SecurityHeaders
from api.metering import RequestMetrics
from api.routes import (
    audit,
    auth,
    certify,
    counter,
    documents,
    dossiers,
    health,
    metrics,
    reports,
    search,
    web,
)
from services import auth as accounts
from services.context import Context
from services.processing import WorkerPool
from services.queue import Enqueuer
from services.settings import Settings

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = Context.open(settings)
        password = accounts.ensure_first_admin(ctx)
        if password:
            # shown once, never stored in clear: the operator logs in and creates real users
            print(
                f"\n[sohoa] first administrator created: user '{accounts.FIRST_ADMIN}', "
                f"password '{password}' (shown only now)\n",
                file=sys.stderr,
                flush=True,
            )
        # with a queue, Celery workers recognise; this process only stores and enqueues
        enqueuer = Enqueuer(settings) if settings.queue_url else None
        workers = WorkerPool(ctx, 0 if enqueuer else settings.workers)
        workers.start()
        # the routes never choose: intake sends what it queued to this one dispatcher
        if enqueuer is not None:
            ctx.dispatcher = enqueuer
        elif settings.workers:
            ctx.dispatcher = workers
        app.state.context = ctx
        app.state.workers = workers
        try:
            yield
        finally:
            workers.stop()
            if enqueuer:
                enqueuer.close()
            ctx.close()

    app = FastAPI(
        title="sohoa",
        summary="Số hóa hồ sơ, giấy tờ: scans in, Vietnamese text out",
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    # authenticates and caps a body before FastAPI reads it (anonymous disk fill)
    app.add_middleware(RequestGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestMetrics)  # outermost of ours: counts the guard's refusals too
    app.include_router(health.router)  # /healthz for load balancers, outside the version
    app.include_router(web.router)
    if settings.metrics_token is not None:
        # without a token there is no endpoint at all: 404, nothing to guess at
        app.include_router(metrics.router)
    for router in (
        health.router,
        auth.router,
        dossiers.router,
        documents.router,
        certify.router,
        counter.router,
        audit.router,
        reports.router,
        search.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    return app
