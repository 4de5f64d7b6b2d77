"""Daily refresh of onboarded tenants: read what is new or restated, land it, build incrementally, publish.

sync = generate (changes since the last pull) -> land (merge) -> build (incremental) -> test -> publish.
A tenant that is up to date is left alone (no run, no new snapshot), unless its last run failed or was
killed: then the build is retried over what has already landed (the status is "syncing" from the start of
a run until its activation), or, if only its publishing was lost, what it built is published.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial

import duckdb

from gata.config.tenants import GataConfig, Tenant
from gata.ingest.run import NotOnboardedError, PendingIngest, generate_sync, land_pending, sync_start, today_utc
from gata.ingest.sync_state import SourceState, up_to_date
from gata.runs.record import PLATFORM_SCHEMA, capture_run
from gata.star.snapshot import current_metadata
from gata.warehouse.locks import TenantBusyError, tenant_lock
from gata.warehouse.onboard import (
    OnboardingError,
    OnboardResult,
    ProgressCallback,
    _build_and_test,
    _captured,
    _Steps,
    build,
    built_config,
    check_workspace,
    configure,
    publish,
    set_status,
)
from gata.warehouse.parallel import run_per_tenant
from gata.workspace import Workspace

# what a sync may not change without onboarding again: everything but the name and the schedule
_SYNC_NEUTRAL = {"name", "schedule"}


class ConfigChangedError(RuntimeError):
    pass


@dataclass
class SyncOutcome:
    tenant: str
    status: str  # synced | up to date | failed
    result: OnboardResult | None = None
    error: str | None = None


def _check_onboarded(workspace: Workspace, tenant: Tenant) -> None:
    registered = built_config(workspace, tenant.slug)
    if registered is None:
        raise NotOnboardedError(f"tenant '{tenant.slug}' has not been onboarded here; run: gata onboard {tenant.slug}")
    now = {k: v for k, v in tenant.model_dump(mode="json").items() if k not in _SYNC_NEUTRAL}
    then = {k: v for k, v in registered.items() if k not in _SYNC_NEUTRAL}
    if now != then:
        changed = sorted(k for k in now.keys() | then.keys() if now.get(k) != then.get(k))
        raise ConfigChangedError(
            f"tenant '{tenant.slug}': configuration changed since onboarding ({', '.join(changed)}); "
            f"run `gata onboard {tenant.slug}` (sources) or `gata replay {tenant.slug}` (logic) first"
        )


def onboarding_needed(workspace: Workspace, tenant: Tenant) -> str | None:
    """Why the tenant must be onboarded before it can sync here (never built here, or its sources or logic
    changed), or None: what an orchestrator asks before choosing between onboarding and a sync."""
    try:
        _check_onboarded(workspace, tenant)
    except (NotOnboardedError, ConfigChangedError) as exc:
        return str(exc)
    return None


def _last_status(workspace: Workspace, slug: str) -> tuple[str, datetime] | None:
    """The tenant's status and when it was set (naive UTC)."""
    with duckdb.connect(str(workspace.warehouse_path(slug)), read_only=True) as con:
        row = con.execute(
            f"select status, updated_at from {PLATFORM_SCHEMA}.tenant_status where tenant_slug = ?", [slug]
        ).fetchone()
    return (row[0], row[1]) if row else None


def _published_since(workspace: Workspace, slug: str, activated: datetime) -> bool:
    """Whether the current snapshot holds star tables published after the last activation (a run killed
    between activation and the swap of CURRENT built data nobody serves)."""
    meta = current_metadata(workspace, slug)
    if not meta or meta.get("health_only") or not meta.get("has_star_tables"):
        return False
    published = datetime.fromisoformat(meta["published_at"]).astimezone(UTC).replace(tzinfo=None)
    return published >= activated


def sync_tenant(
    config: GataConfig,
    slug: str,
    workspace: Workspace,
    through: date | None = None,
    progress: ProgressCallback | None = None,
) -> SyncOutcome:
    """Bring one tenant up to `through` (default today). Raises OnboardingError naming the failed step."""
    tenant = config.tenant(slug)
    check_workspace(workspace)
    _check_onboarded(workspace, tenant)
    through = through or today_utc()
    with ExitStack() as held:
        held.enter_context(tenant_lock(workspace, tenant.slug, f"sync of {tenant.slug}"))
        start = sync_start(config, tenant, workspace)
        result = OnboardResult(tenants=[tenant.slug])
        steps = _Steps(result, progress)
        last = _last_status(workspace, tenant.slug)
        if up_to_date(start, through) and last is not None and last[0] == "active":
            if _published_since(workspace, tenant.slug, last[1]):
                return SyncOutcome(tenant.slug, "up to date")
            steps.run("publish", lambda: publish(workspace, config, tenant))  # the last run died publishing
            return SyncOutcome(tenant.slug, "synced", result=result)
        with _captured(workspace, config, "sync", tenant, steps) as run_id:
            _sync_steps(config, tenant, workspace, steps, result, through, start, run_id)
    return SyncOutcome(tenant.slug, "synced", result=result)


def _sync_steps(
    config: GataConfig,
    tenant: Tenant,
    workspace: Workspace,
    steps: _Steps,
    result: OnboardResult,
    through: date,
    start: SourceState,
    run_id: str,
) -> None:
    pending: list[PendingIngest] = []
    # not active until this run activates: a run killed from here on leaves the tenant to be rebuilt
    set_status(workspace, tenant, "syncing", f"sync {run_id} started")

    def generate() -> str:
        found = generate_sync(config, tenant, workspace, through=through, start=start)
        if found is None:
            return "up to date: retrying the build"
        pending.append(found)
        days = found.staged.days
        return f"{sum(o.rows for o in found.staged.objects.values()):,} new or changed records, {days[0]} to {days[-1]}"

    steps.run("generate", generate)
    if pending:
        steps.run("land", lambda: f"{land_pending(pending[0], workspace).rows:,} rows")
    steps.run("configure", lambda: configure(workspace, config.catalog, tenant))
    _build_and_test(steps, result, lambda: build(workspace, config.catalog, tenant, run_id=run_id, full=False))
    steps.run("activate", lambda: (set_status(workspace, tenant, "active"), "active")[1])


def sync_all(
    config: GataConfig,
    slugs: list[str],
    workspace: Workspace,
    through: date | None = None,
    progress: Callable[[str], ProgressCallback | None] | None = None,
) -> list[SyncOutcome]:
    """Sync every tenant, several at once (one process each); one tenant's failure is recorded (its run, its
    health) and the rest go on."""
    outcomes = run_per_tenant(partial(_sync_one, config, workspace, through), slugs, progress)
    return [outcomes[slug] for slug in slugs]


def _sync_one(
    config: GataConfig, workspace: Workspace, through: date | None, slug: str, progress: ProgressCallback | None
) -> SyncOutcome:
    try:
        return sync_tenant(config, slug, workspace, through, progress)
    except OnboardingError as exc:  # recorded by the run's capture, health published
        return SyncOutcome(slug, "failed", error=str(exc))
    except TenantBusyError as exc:  # its other run is recording itself; nothing to add
        return SyncOutcome(slug, "failed", error=str(exc))
    except (NotOnboardedError, ConfigChangedError) as exc:  # refused before it ran: record it as a run
        try:
            with (
                tenant_lock(workspace, slug, f"recording the refused sync of {slug}"),
                suppress(type(exc)),
                capture_run(workspace, "sync", slug),
            ):
                raise exc
        except TenantBusyError:
            pass
        return SyncOutcome(slug, "failed", error=str(exc))
