"""The FastAPI application: one service for every tenant, reading only published snapshots."""

from __future__ import annotations

import math
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from gata.api.compression import ApiGZip
from gata.api.headers import ResponseHeaders
from gata.api.keys import KeyStore
from gata.api.limits import RequestLimits
from gata.api.quota import TenantBusy, TenantQuota
from gata.api.routers import ask, connections, health, observability, onboarding, semantic, tenants
from gata.config.loader import DEFAULT_TENANTS
from gata.jobs.launch import JobLauncher
from gata.nl.answer import AnswerService
from gata.observability.service import ObservabilityService
from gata.semantic.compile_pool import CompilePool
from gata.semantic.service import QueryTimeout, SemanticService
from gata.semantic.store import SnapshotStore, TenantNotServed
from gata.settings import Settings, serving_threads
from gata.web import install as install_web
from gata.workspace import Workspace


def _json_safe(value: Any) -> Any:
    """`value` with every non-finite float spelled as text (JSON has no NaN or Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def create_app(
    workspace: Workspace | None = None, settings: Settings | None = None, compile_pool: CompilePool | None = None
) -> FastAPI:
    """The app; `compile_pool` (as `gata serve` passes one) compiles queries outside the server's process."""
    settings = settings or Settings()
    workspace = workspace or Workspace.resolve(settings.workspace)
    app = FastAPI(
        title="GATA",
        version=version("gata"),
        description="Multi-tenant marketing analytics: a governed semantic layer over each tenant's star schema.",
        # one schema per model: an answer's `query` is the very SemanticQuery that /query accepts
        separate_input_output_schemas=False,
        docs_url=None,  # served from local assets under a CSP: gata.web.routers.docs
        redoc_url=None,
    )
    app.state.workspace = workspace
    store = SnapshotStore(workspace, settings.serving_memory_limit, serving_threads(settings))
    app.state.service = SemanticService(
        store,
        result_cache=settings.result_cache,
        statement_timeout=settings.query_timeout,
        compile_pool=compile_pool,
    )
    app.state.quota = TenantQuota(
        settings.tenant_concurrency,
        settings.tenant_rate,
        settings.tenant_burst,
        settings.tenant_queue,
        settings.tenant_wait,
        settings.tenant_cpu_share,
        settings.tenant_cpu_burst,
    )
    app.state.settings = settings
    app.state.answers = AnswerService(app.state.service, settings)
    app.state.observability = ObservabilityService(store)
    app.state.keys = KeyStore(workspace)
    app.state.jobs = JobLauncher(workspace, settings.orchestrator)
    app.state.tenants_file = Path(settings.tenants_file or DEFAULT_TENANTS).resolve()
    app.include_router(health.router)
    app.include_router(semantic.router)
    app.include_router(ask.router)
    app.include_router(observability.router)
    app.include_router(onboarding.router)
    app.include_router(tenants.router)
    app.include_router(connections.router)
    install_web(app, workspace, settings)
    # JSON answers and Arrow exports gzipped for clients that accept it; /static comes compressed already
    app.add_middleware(ApiGZip)
    app.add_middleware(ResponseHeaders)
    # outermost: sizes are checked before anything else reads the request
    app.add_middleware(
        RequestLimits,
        max_body=settings.max_body_bytes,
        max_headers=settings.max_header_bytes,
        max_json_depth=settings.max_json_depth,
    )

    @app.exception_handler(TenantNotServed)
    async def not_served(request: Request, exc: TenantNotServed) -> JSONResponse:
        # only health was published (the tenant's first build failed): its data cannot be queried yet
        tenant = request.path_params.get("tenant", str(exc))
        detail = f"tenant '{tenant}' has no published data yet; see /observability/{tenant}/summary"
        return JSONResponse({"detail": detail}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input, and a NaN or Infinity in it cannot be written as JSON (a 500)
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

    @app.exception_handler(TenantBusy)
    async def busy(request: Request, exc: TenantBusy) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(QueryTimeout)
    async def timed_out(request: Request, exc: QueryTimeout) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    return app
