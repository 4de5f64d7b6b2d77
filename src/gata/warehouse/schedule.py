"""Refresh schedules: each tenant's cron expression (UTC) says when its daily sync is due.

A tenant is due when its schedule has fired since its last onboarding or sync started (failed runs count:
a failing tenant is retried at its next fire time, not in a tight loop). `gata schedule` runs the due
syncs, several tenants at once; a failure is recorded as that tenant's failed run and the others go on.
With system cron instead, `gata sync --all` (or `gata schedule --once`) does the same from a crontab.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from gata.config.tenants import GataConfig
from gata.runs.record import PLATFORM_SCHEMA
from gata.warehouse.locks import tenant_busy
from gata.warehouse.sync import SyncOutcome, sync_all
from gata.workspace import Workspace

REFRESH_KINDS = ("onboard", "sync")


@dataclass(frozen=True)
class Due:
    tenant: str
    fired_at: datetime  # the schedule's latest fire time at or before now
    last_run: datetime | None


def last_fire(schedule: str, now: datetime) -> datetime | None:
    """The latest time at or before `now` (naive UTC) the cron expression fires; None if it never does
    (`0 0 30 2 *`: that tenant is simply never due, the others are)."""
    probe = now.replace(second=0, microsecond=0)
    try:
        if croniter.match(schedule, probe):
            return probe
        return croniter(schedule, probe).get_prev(datetime)
    except (CroniterBadDateError, CroniterBadCronError):
        return None


def next_fire(schedule: str, now: datetime) -> datetime | None:
    try:
        return croniter(schedule, now.replace(microsecond=0)).get_next(datetime)
    except (CroniterBadDateError, CroniterBadCronError):
        return None


def last_refreshes(workspace: Workspace) -> dict[str, datetime]:
    """When each tenant's last onboarding or sync started, whatever its outcome. A tenant whose run is in
    progress right now counts as refreshed now (its database is its run's to write)."""
    found: dict[str, datetime] = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    for slug in workspace.tenant_slugs():
        if tenant_busy(workspace, slug):
            found[slug] = now
            continue
        try:
            with duckdb.connect(str(workspace.warehouse_path(slug)), read_only=True) as con:
                row = (
                    con.execute(
                        f"select max(started_at) from {PLATFORM_SCHEMA}.pipeline_runs where kind in {REFRESH_KINDS}"
                    ).fetchone()
                    if _has_runs(con)
                    else None
                )
        except duckdb.IOException:  # a run opened it between the check and now
            found[slug] = now
            continue
        if row and row[0] is not None:
            found[slug] = row[0]
    return found


def _has_runs(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = 'pipeline_runs'",
            [PLATFORM_SCHEMA],
        ).fetchone()[0]
    )


def due_tenants(config: GataConfig, workspace: Workspace, now: datetime) -> list[Due]:
    """Tenants of the configuration whose schedule fired since their last refresh (never-refreshed ones are
    due: they show up as failed syncs until onboarded)."""
    last = last_refreshes(workspace)
    due = []
    for tenant in config.tenants:
        fired = last_fire(tenant.schedule, now)
        if fired is None:
            continue
        previous = last.get(tenant.slug)
        if previous is None or previous < fired:
            due.append(Due(tenant.slug, fired, previous))
    return due


def run_due(
    config: GataConfig,
    workspace: Workspace,
    now: datetime | None = None,
    on_outcome: Callable[[SyncOutcome], None] | None = None,
) -> list[SyncOutcome]:
    """Sync every due tenant through today (UTC), several at once (gata.warehouse.parallel)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    due = [d.tenant for d in due_tenants(config, workspace, now)]
    outcomes = sync_all(config, due, workspace, through=now.date()) if due else []
    for outcome in outcomes:
        if on_outcome:
            on_outcome(outcome)
    return outcomes


def seconds_until_next(config: GataConfig, now: datetime, cap: float) -> float:
    """How long the loop may sleep: until the earliest next fire time, at most `cap` seconds."""
    fires = [next_fire(t.schedule, now) for t in config.tenants]
    soonest = min((f for f in fires if f is not None), default=None)
    if soonest is None:
        return cap
    return max(1.0, min(cap, (soonest - now).total_seconds()))


def run_forever(
    load_config: Callable[[], GataConfig],
    workspace: Workspace,
    max_sleep: float = 300.0,
    on_outcome: Callable[[SyncOutcome], None] | None = None,
) -> None:
    """The scheduler loop. The configuration is read again each round, so schedule edits take effect."""
    while True:
        config = load_config()
        run_due(config, workspace, on_outcome=on_outcome)
        now = datetime.now(UTC).replace(tzinfo=None)
        time.sleep(seconds_until_next(config, now, max_sleep))
