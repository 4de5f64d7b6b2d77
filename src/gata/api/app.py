"""The FastAPI application: one service for every tenant, reading only published snapshots."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gata.api.keys import KeyStore
from gata.api.routers import ask, health, observability, onboarding, semantic
from gata.config.loader import DEFAULT_TENANTS
from gata.jobs.launch import JobLauncher
from gata.nl.answer import AnswerService
from gata.observability.service import ObservabilityService
from gata.semantic.service import SemanticService
from gata.semantic.store import SnapshotStore, TenantNotServed
from gata.settings import Settings
from gata.web import install as install_web
from gata.workspace import Workspace


def create_app(workspace: Workspace | None = None, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    workspace = workspace or Workspace.resolve(settings.workspace)
    app = FastAPI(
        title="GATA",
        version=version("gata"),
        description="Multi-tenant marketing analytics: a governed semantic layer over each tenant's star schema.",
        # one schema per model: an answer's `query` is the very SemanticQuery that /query accepts
        separate_input_output_schemas=False,
    )
    app.state.workspace = workspace
    store = SnapshotStore(workspace, settings.serving_memory_limit)
    app.state.service = SemanticService(store, result_cache=settings.result_cache)
    app.state.answers = AnswerService(app.state.service, settings)
    app.state.observability = ObservabilityService(store)
    app.state.keys = KeyStore(workspace)
    app.state.jobs = JobLauncher(workspace)
    app.state.tenants_file = Path(settings.tenants_file or DEFAULT_TENANTS).resolve()
    app.include_router(health.router)
    app.include_router(semantic.router)
    app.include_router(ask.router)
    app.include_router(observability.router)
    app.include_router(onboarding.router)
    install_web(app, workspace, settings)

    @app.exception_handler(TenantNotServed)
    async def not_served(request: Request, exc: TenantNotServed) -> JSONResponse:
        # only health was published (the tenant's first build failed): its data cannot be queried yet
        tenant = request.path_params.get("tenant", str(exc))
        detail = f"tenant '{tenant}' has no published data yet; see /observability/{tenant}/summary"
        return JSONResponse({"detail": detail}, status_code=404)

    return app
