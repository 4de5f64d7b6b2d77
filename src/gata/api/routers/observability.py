"""Per-tenant pipeline health over HTTP: summary, runs, tests, identity resolution, lineage, drift."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from gata.api.deps import Snapshot
from gata.api.schemas import ERRORS
from gata.config.errors import ConfigError
from gata.config.loader import load_config
from gata.observability.schemas import (
    DriftFinding,
    IdentityResolution,
    Lineage,
    RowLineage,
    RunModels,
    RunRecord,
    SourceFreshness,
    Summary,
    TestResult,
)
from gata.observability.service import ObservabilityService, UnknownLineageTable, UnknownRow, UnknownRun

router = APIRouter(prefix="/observability/{tenant}", tags=["observability"], responses=ERRORS)


def observability(request: Request) -> ObservabilityService:
    return request.app.state.observability


Obs = Annotated[ObservabilityService, Depends(observability)]


@router.get("/summary", response_model=Summary)
def summary(snap: Snapshot, obs: Obs) -> Any:
    return obs.summary(snap.tenant)


@router.get("/runs", response_model=list[RunRecord])
def runs(snap: Snapshot, obs: Obs, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> Any:
    return obs.runs(snap.tenant, limit)


@router.get("/runs/{run_id}/models", response_model=RunModels)
def run_models(run_id: Annotated[str, Path(max_length=200)], snap: Snapshot, obs: Obs) -> Any:
    """Status and execution time of every model a run built; `latest` for the tenant's last run."""
    try:
        return obs.run_models(snap.tenant, run_id)
    except UnknownRun as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/freshness", response_model=list[SourceFreshness])
def freshness(snap: Snapshot, obs: Obs, request: Request) -> Any:
    """Per source: last load (its last successful pull), data through, hours since load (as of this request),
    mode (simulated or live, from the tenants file) and the latest run's error when it names the source."""
    return obs.source_freshness(snap.tenant, modes=_modes(request, snap.tenant))


def _modes(request: Request, slug: str) -> dict[str, str]:
    try:
        tenant = load_config(request.app.state.tenants_file, strict=False).tenant(slug)
    except (KeyError, ConfigError, OSError, AttributeError):
        return {}  # a tenant the file no longer holds: its sources' modes are unknown
    return {c: s.mode for c, s in tenant.sources.items()}


@router.get("/tests", response_model=list[TestResult])
def tests(
    snap: Snapshot,
    obs: Obs,
    status: Annotated[Literal["pass", "fail", "warn", "error"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Any:
    return obs.tests(snap.tenant, status, limit)


@router.get("/identity-resolution", response_model=IdentityResolution)
def identity_resolution(snap: Snapshot, obs: Obs) -> Any:
    return obs.identity_resolution(snap.tenant)


@router.get("/lineage", response_model=Lineage)
def lineage(snap: Snapshot, obs: Obs, table: Annotated[str, Query(max_length=200)]) -> Any:
    try:
        return obs.lineage(snap.tenant, table)
    except UnknownLineageTable as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/lineage/row", response_model=RowLineage)
def row_lineage(
    snap: Snapshot,
    obs: Obs,
    table: Annotated[str, Query(max_length=200)],
    key: Annotated[str, Query(max_length=1000, description="The row's key (the table's key column).")],
) -> Any:
    """The dlt loads one star-table row was built from."""
    try:
        return obs.row_lineage(snap.tenant, table, key)
    except (UnknownLineageTable, UnknownRow) as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/drift", response_model=list[DriftFinding])
def drift(snap: Snapshot, obs: Obs) -> Any:
    return obs.drift(snap.tenant)
