"""The tenant lifecycle for admins: every tenant the workspace has registered, offboarding and purging.

Both changes name the tenant twice (path and `confirm`), so a slip of the pointer never retires a client.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field, ValidationError

from gata.api.deps import admin_only
from gata.api.schemas import ERRORS, ErrorBody
from gata.config.errors import ConfigError
from gata.config.loader import load_config
from gata.lifecycle import LifecycleError, offboard, purge
from gata.observability.overview import overview
from gata.observability.schemas import TenantsOverview
from gata.semantic.dates import DateRangeError, resolve
from gata.semantic.query import DateRange
from gata.warehouse.platform_db import registered_tenants
from gata.workspace import Workspace

router = APIRouter(
    prefix="/tenants",
    tags=["tenants"],
    responses={
        **ERRORS,
        403: {"model": ErrorBody, "description": "Not an admin."},
        409: {"model": ErrorBody, "description": "A run of the tenant is in progress, or it is not in that state."},
    },
)
Admin = admin_only("offboard or purge tenants")
Overview = admin_only("see every tenant's overview")


def workspace(request: Request) -> Workspace:
    return request.app.state.workspace


Ws = Annotated[Workspace, Depends(workspace)]


class TenantRecord(BaseModel):
    slug: str
    status: str = Field(description="active, syncing, failed ... or offboarded (the slug stays taken until purged)")
    first_registered_at: datetime | None
    updated_at: datetime | None
    message: str | None


class OffboardRequest(BaseModel):
    confirm: str = Field(description="The tenant's slug again.")
    data: Literal["archive", "delete"] = Field("archive", description="Archive the tenant's data, or delete it.")


class OffboardAnswer(BaseModel):
    tenant: str
    data: str
    keys_revoked: int
    users_deleted: int
    sessions_ended: int
    removed_from_tenants_file: bool
    archive: str | None = Field(description="Where the data went, relative to the workspace, when archived.")


class PurgeRequest(BaseModel):
    confirm: str = Field(description="The tenant's slug again.")


class PurgeAnswer(BaseModel):
    tenant: str
    removed: list[str]


def _confirmed(slug: str, confirm: str) -> None:
    if confirm != slug:
        raise HTTPException(422, f"confirm must repeat the tenant's slug '{slug}' (got {confirm!r})")


def _refused(exc: LifecycleError) -> HTTPException:
    message = str(exc)
    return HTTPException(404 if message.startswith("no ") else 409, message)


@router.get("", response_model=list[TenantRecord])
def list_tenants(who: Admin, ws: Ws) -> list[TenantRecord]:
    """Every tenant ever registered in this workspace, offboarded ones included."""
    rows = registered_tenants(ws)
    return [
        TenantRecord(
            slug=slug,
            status=r["status"],
            first_registered_at=r["first_registered_at"],
            updated_at=r["updated_at"],
            message=r["message"],
        )
        for slug, r in sorted(rows.items())
    ]


@router.get("/overview", response_model=TenantsOverview)
def tenants_overview(
    who: Overview,
    ws: Ws,
    request: Request,
    start: Annotated[date | None, Query(description="First day of the period (with `end`).")] = None,
    end: Annotated[date | None, Query(description="Last day of the period (with `start`).")] = None,
    relative: Annotated[str | None, Query(max_length=40, description="A relative period instead.")] = None,
) -> TenantsOverview:
    """Every tenant in one table: status, last run, freshness, failing tests, and spend and revenue over the
    period (default: the last 30 days), the same figures the tenant's own semantic-layer queries answer."""
    try:
        period = DateRange(start=start, end=end) if start or end else DateRange(relative=relative or "last_30_days")
        first, last = resolve(period, datetime.now(UTC).date())
    except (ValidationError, DateRangeError) as exc:
        raise HTTPException(400, f"invalid period: {exc}") from None
    registry = registered_tenants(ws)
    app = request.app.state
    try:
        configured = load_config(app.tenants_file, strict=False).slugs()
    except (ConfigError, OSError):
        configured = []  # the registry and what is served still list every tenant that ever ran
    slugs = sorted({*registry, *app.service.tenants(), *configured})
    rows = overview(app.observability, app.service, slugs, registry, first, last)
    return TenantsOverview(start=first, end=last, tenants=rows)


@router.post("/{slug}/offboard", response_model=OffboardAnswer)
def offboard_tenant(slug: str, body: OffboardRequest, who: Admin, ws: Ws, request: Request) -> OffboardAnswer:
    """Revoke the tenant's keys, users and sessions, stop serving it, archive or delete its data."""
    _confirmed(slug, body.confirm)
    try:
        done = offboard(ws, request.app.state.tenants_file, slug, body.data)
    except LifecycleError as exc:
        raise _refused(exc) from None
    return OffboardAnswer(
        tenant=slug,
        data=done.data,
        keys_revoked=len(done.keys_revoked),
        users_deleted=len(done.users_deleted),
        sessions_ended=done.sessions_ended,
        removed_from_tenants_file=done.removed_from_file,
        archive=str(done.archive.relative_to(ws.root)) if done.archive else None,
    )


@router.post("/{slug}/purge", response_model=PurgeAnswer)
def purge_tenant(slug: str, body: PurgeRequest, who: Admin, ws: Ws) -> PurgeAnswer:
    """Remove everything of an offboarded tenant and free its slug."""
    _confirmed(slug, body.confirm)
    try:
        done = purge(ws, slug)
    except LifecycleError as exc:
        raise _refused(exc) from None
    return PurgeAnswer(tenant=slug, removed=done.removed)
