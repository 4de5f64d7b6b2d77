"""Ingest one tenant: pull (simulate) its enabled sources for a window, stage, land, record."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from gata.config.tenants import GataConfig, Tenant
from gata.connectors.pull import window
from gata.ingest.changes import days_between, pull_changes
from gata.ingest.land import ConnectorLoad, destination, finish_pending_loads, land_connector, open_warehouse
from gata.ingest.record import IngestRun, record_run
from gata.ingest.stage import StagedPull, stage_batches, stage_pull
from gata.ingest.sync_state import SourceState, source_state, state_for, up_to_date
from gata.runs import drift
from gata.runs.record import capture_run
from gata.settings import Settings
from gata.simulation.cutoff import data_through
from gata.warehouse.library import stored_schemas
from gata.workspace import Workspace

LANDING_THREADS = 4


def today_utc() -> date:
    return datetime.now(UTC).date()


def new_run_id(tenant_slug: str) -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{tenant_slug}"


@dataclass
class PendingIngest:
    """A generated pull, staged and waiting to be landed."""

    run_id: str
    tenant: Tenant
    staged: StagedPull
    started_at: datetime
    expected_schemas: dict[tuple[str, str], dict[str, str]]  # the connector library, for drift
    objects: dict[str, list[str]]  # the objects of each enabled source: every one gets the new state


def generate_tenant(
    config: GataConfig,
    tenant: Tenant | str,
    workspace: Workspace,
    days: int = 30,
    end_date: date | None = None,
    seed: int | None = None,
    on_day: Callable[[date], None] | None = None,
    warmup: bool = False,
    until: datetime | None = None,
) -> PendingIngest:
    """Stage a tenant's window ending `end_date` (default today); `warmup` (onboarding) adds the analytics
    look-back before it. Nothing later than `until` is read: by default the run's moment when the window ends
    today (today is partial), the end of an earlier or later end day otherwise (see
    gata.simulation.cutoff.data_through)."""
    tenant = config.tenant(tenant) if isinstance(tenant, str) else tenant
    if seed is not None:
        tenant = tenant.model_copy(update={"seed": seed})
    workspace.ensure()
    started = datetime.now(UTC)
    end = end_date or started.date()
    span = window(end, days)
    run_id = new_run_id(tenant.slug)
    staged = stage_pull(
        tenant,
        config.catalog,
        span,
        workspace.staging_dir / tenant.slug / run_id,
        as_of=end,
        on_day=on_day,
        warmup=warmup,
        until=until or data_through(end, started),
    )
    return _pending(config, tenant, run_id, staged, started)


def _pending(config: GataConfig, tenant: Tenant, run_id: str, staged: StagedPull, started: datetime) -> PendingIngest:
    return PendingIngest(
        run_id=run_id,
        tenant=tenant,
        staged=staged,
        started_at=started,
        expected_schemas=stored_schemas(config.catalog),
        objects={s.connector: sorted(config.catalog[s.connector].objects) for s in tenant.enabled_sources()},
    )


class NotOnboardedError(RuntimeError):
    pass


def sync_start(config: GataConfig, tenant: Tenant, workspace: Workspace) -> SourceState:
    """Where the tenant's sources stand: the oldest as-of day of any enabled source (so a source that fell
    behind is caught up), from dlt's resource state."""
    states = {}
    for s in tenant.enabled_sources():
        finish_pending_loads(workspace, tenant.slug, s.connector)
        state = source_state(workspace, tenant.slug, s.connector, sorted(config.catalog[s.connector].objects))
        if state is None:
            raise NotOnboardedError(
                f"tenant '{tenant.slug}': source '{s.connector}' has never been loaded; onboard the tenant first "
                f"(gata onboard {tenant.slug})"
            )
        states[s.connector] = state
    moments = [st.data_through for st in states.values() if st.data_through is not None]
    return SourceState(
        first_day=min(st.first_day for st in states.values()),
        as_of=min(st.as_of for st in states.values()),
        data_through=min(moments) if moments else None,
    )


def generate_sync(
    config: GataConfig,
    tenant: Tenant | str,
    workspace: Workspace,
    through: date | None = None,
    on_day: Callable[[date], None] | None = None,
    start: SourceState | None = None,
) -> PendingIngest | None:
    """Stage what a sync through `through` (default today) brings: None when the tenant is up to date.
    `start` is where its sources stand (read from their dlt state when not given)."""
    tenant = config.tenant(tenant) if isinstance(tenant, str) else tenant
    start = start or sync_start(config, tenant, workspace)
    through = through or today_utc()
    if up_to_date(start, through):
        return None
    run_id = new_run_id(tenant.slug)
    started = datetime.now(UTC)
    until = data_through(through, started)
    batches = pull_changes(
        tenant,
        config.catalog,
        start.as_of,
        through,
        start.first_day,
        on_day=on_day,
        until=until,
        since_until=start.data_through if start.data_through and start.data_through.date() == start.as_of else None,
    )
    days = days_between(start.as_of + timedelta(days=1), through)
    staged = stage_batches(
        tenant.slug,
        config.catalog,
        batches,
        workspace.staging_dir / tenant.slug / run_id,
        days,
        through,
        first_day=start.first_day,
        data_through=until,
    )
    return _pending(config, tenant, run_id, staged, started)


def land_pending(
    pending: PendingIngest, workspace: Workspace, on_landed: Callable[[ConnectorLoad], None] | None = None
) -> IngestRun:
    tenant, staged = pending.tenant, pending.staged
    # every source is landed, even one without changed records, so its state moves to the new as-of day
    jobs = [(s.connector, staged.for_connector(s.connector)) for s in tenant.enabled_sources()]
    observed = drift.observe([o for _, objs in jobs for o in objs])
    # each source is its own dlt pipeline and dataset: land them side by side (one DuckDB instance in
    # this process; appends to different tables never conflict), reported in configuration order
    settings = Settings()
    shared = None if settings.motherduck_database else open_warehouse(workspace, tenant.slug, settings)
    try:
        with ThreadPoolExecutor(max_workers=LANDING_THREADS) as pool:
            state = state_for(staged.first_day, staged.as_of, staged.data_through)
            futures = [
                pool.submit(
                    land_connector,
                    tenant.slug,
                    c,
                    objs,
                    workspace,
                    destination(workspace, tenant.slug, settings, connection=shared),
                    {obj: state for obj in pending.objects.get(c, [])},
                )
                for c, objs in jobs
            ]
            loads = []
            for future in futures:
                load = future.result()
                loads.append(load)
                if on_landed:
                    on_landed(load)
    finally:
        if shared is not None:
            shared.close()
    run = IngestRun(
        run_id=pending.run_id,
        tenant=tenant.slug,
        window_start=staged.days[0] if staged.days else staged.as_of,
        window_end=staged.days[-1] if staged.days else staged.as_of,
        as_of=staged.as_of,
        started_at=pending.started_at,
        finished_at=datetime.now(UTC),
        loads=loads,
    )
    record_run(workspace, run)
    load_ids = {load.connector: load.load_ids[0] for load in loads if load.load_ids}
    with duckdb.connect(str(workspace.warehouse_path(tenant.slug))) as con:
        findings = drift.detect(observed, pending.expected_schemas, drift.fields_seen(con, tenant.slug))
        drift.record(con, tenant.slug, findings, load_ids)
        drift.remember(con, tenant.slug, observed, load_ids)  # after detecting: this load is not "earlier"
    staged.cleanup()
    return run


def ingest_tenant(
    config: GataConfig,
    tenant: Tenant | str,
    workspace: Workspace,
    days: int = 30,
    end_date: date | None = None,
    seed: int | None = None,
    on_day: Callable[[date], None] | None = None,
    on_landed: Callable[[ConnectorLoad], None] | None = None,
    warmup: bool = False,
) -> IngestRun:
    """Generate (simulate the APIs) and land one tenant's enabled sources for a window of days; recorded as an
    `ingest` pipeline run for observability. `warmup`: with the analytics look-back before it, as onboarding."""
    pending = generate_tenant(
        config, tenant, workspace, days=days, end_date=end_date, seed=seed, on_day=on_day, warmup=warmup
    )
    with capture_run(workspace, "ingest", pending.tenant.slug, run_id=pending.run_id):
        return land_pending(pending, workspace, on_landed=on_landed)
