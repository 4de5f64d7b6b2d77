"""Each tenant's `schedule` (cron, UTC) from the tenants file as a Dagster schedule of its partition.

A tenant's schedule fires its sync, as `gata schedule` would. Schedules are read when the code location
loads; a tenant added later is onboarded by the sensor at once and gets its schedule at the next reload."""

from __future__ import annotations

import dagster as dg

from gata.config import GataConfig
from gata.config.tenants import Tenant
from gata.orchestration.assets import TenantRun
from gata.orchestration.jobs import TENANT_JOB, run_request
from gata.orchestration.partitions import TENANTS


def schedule_name(slug: str) -> str:
    return f"sync_{slug}"


def tenant_schedules(config: GataConfig) -> list[dg.ScheduleDefinition]:
    return [_schedule(t) for t in config.tenants]


def _schedule(tenant: Tenant) -> dg.ScheduleDefinition:
    slug, cron = tenant.slug, tenant.schedule

    def evaluate(context: dg.ScheduleEvaluationContext):
        if slug not in context.instance.get_dynamic_partitions(TENANTS.name):
            return dg.SkipReason(f"tenant {slug} is not a partition (removed from the tenants file?)")
        return run_request(tenant, "sync", TenantRun(mode="sync"))

    return dg.ScheduleDefinition(
        name=schedule_name(slug),
        cron_schedule=cron,
        execution_timezone="UTC",
        job_name=TENANT_JOB,
        execution_fn=evaluate,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"daily sync of {slug} ({cron}, UTC)",
    )
