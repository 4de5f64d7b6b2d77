"""The job a tenant run is: the tenant multi-asset for one partition, in the run's own process.

In-process executor: the run is one step (the whole tenant), so a step subprocess would only add a second
process start to the ~10 s a run already pays."""

from __future__ import annotations

import dagster as dg

from gata.config.tenants import Tenant
from gata.orchestration.assets import KIND_TAG, LIVE_TAG, TENANT_TAG, TenantRun

TENANT_JOB = "gata_tenant"


def tenant_job() -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        TENANT_JOB,
        selection=dg.AssetSelection.groups("landing", "warehouse", "serving"),
        executor_def=dg.in_process_executor,
        description="One tenant's onboarding or sync (run config `mode`), as `gata onboard` / `gata sync` do it.",
    )


def run_tags(tenant: Tenant, kind: str) -> dict[str, str]:
    """The tenant (the instance allows one run per value) and each live source it reads (a limit per platform
    keeps the fleet within that API's quota)."""
    live = {f"{LIVE_TAG}/{s.connector}": "1" for s in tenant.live_sources()}
    return {TENANT_TAG: tenant.slug, KIND_TAG: kind, **live}


def run_request(tenant: Tenant, kind: str, config: TenantRun, run_key: str | None = None, **tags: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key,
        partition_key=tenant.slug,
        job_name=TENANT_JOB,
        run_config=dg.RunConfig(ops={"tenant_run": config}),
        tags={**run_tags(tenant, kind), **tags},
    )
