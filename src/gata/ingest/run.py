"""Ingest one tenant: pull (simulate) its enabled sources for a window, stage, land, record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from gata.config.tenants import GataConfig, Tenant
from gata.connectors.pull import window
from gata.ingest.land import ConnectorLoad, land_connector
from gata.ingest.record import IngestRun, record_run
from gata.ingest.stage import stage_pull
from gata.workspace import Workspace


def today_utc() -> date:
    return datetime.now(UTC).date()


def new_run_id(tenant_slug: str) -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{tenant_slug}"


def ingest_tenant(
    config: GataConfig,
    tenant: Tenant | str,
    workspace: Workspace,
    days: int = 30,
    end_date: date | None = None,
    seed: int | None = None,
    on_day: Callable[[date], None] | None = None,
    on_landed: Callable[[ConnectorLoad], None] | None = None,
) -> IngestRun:
    tenant = config.tenant(tenant) if isinstance(tenant, str) else tenant
    if seed is not None:
        tenant = tenant.model_copy(update={"seed": seed})
    workspace.ensure()
    end = end_date or today_utc()
    span = window(end, days)
    run_id = new_run_id(tenant.slug)
    started = datetime.now(UTC)
    staged = stage_pull(
        tenant, config.catalog, span, workspace.staging_dir / tenant.slug / run_id, as_of=end, on_day=on_day
    )
    loads = []
    for source in tenant.enabled_sources():
        objects = staged.for_connector(source.connector)
        if not objects:
            continue
        load = land_connector(tenant.slug, source.connector, objects, workspace)
        loads.append(load)
        if on_landed:
            on_landed(load)
    run = IngestRun(
        run_id=run_id,
        tenant=tenant.slug,
        window_start=span[0],
        window_end=span[-1],
        as_of=end,
        started_at=started,
        finished_at=datetime.now(UTC),
        loads=loads,
    )
    record_run(workspace, run)
    staged.cleanup()
    return run
