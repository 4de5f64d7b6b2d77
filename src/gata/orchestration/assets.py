"""One tenant's run as Dagster assets: landing per source -> dbt build -> test -> publish, one partition each.

The four stages are one multi-asset executed as one step: its body is `onboard()` or `sync_tenant()`, the
functions `gata onboard` and `gata sync` call, so the tenant's lock, run record, statuses and snapshot are
the same whoever started the run. The stages are reported as materializations from the run's own step
timings; a source the tenant does not use is never materialized for its partition. Why stages and not one
asset per dbt model: docs/decisions.md #40.
"""

# no `from __future__ import annotations`: Dagster reads the run function's annotations (config, resource)
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Literal

import dagster as dg
import duckdb
import httpx

from gata.config.budget import history_problem
from gata.config.catalog import Catalog
from gata.config.tenants import Tenant
from gata.connectors.live.errors import ApiError, ReportTimeoutError
from gata.jobs.store import JobStore, UnknownJobError
from gata.jobs.worker import Recorder
from gata.orchestration.partitions import TENANTS
from gata.orchestration.resource import GataResource
from gata.runs.record import PLATFORM_SCHEMA
from gata.settings import cores_shared
from gata.warehouse.locks import TenantBusyError
from gata.warehouse.onboard import OnboardingError, OnboardResult, onboard
from gata.warehouse.sync import onboarding_needed, sync_tenant
from gata.workspace import private_files

PREFIX = "gata"
TENANT_TAG = "gata/tenant"  # one run per tenant: the instance's tag concurrency limit is set on it
JOB_TAG = "gata/job"  # a wizard job whose record the run writes its progress into
KIND_TAG = "gata/kind"
LIVE_TAG = "gata/live"  # gata/live/<connector>: a run reading that platform's API
BUILD, TEST, PUBLISH = (dg.AssetKey([PREFIX, name]) for name in ("build", "test", "publish"))


def land_key(connector: str) -> dg.AssetKey:
    return dg.AssetKey([PREFIX, "land", connector])


class TenantRun(dg.Config):
    """What the run does: onboard (full history), sync (what is new), or auto (onboard when the tenant was
    never built here or its sources or logic changed, else sync: what a click on the partition means)."""

    mode: Literal["auto", "onboard", "sync"] = "auto"
    days: int | None = None  # onboarding history (default: the resource's onboard days)
    end_date: str | None = None  # onboarding's last day, YYYY-MM-DD (default today, UTC)
    through: str | None = None  # a sync's last day, YYYY-MM-DD (default today, UTC)


def asset_specs(catalog: Catalog) -> list[dg.AssetSpec]:
    """The graph every tenant shares: each catalog connector's landing feeds the build, then test, publish.
    All are skippable: a tenant materializes only its own sources, and a sync with nothing new nothing."""
    landing = [
        dg.AssetSpec(
            land_key(connector),
            group_name="landing",
            kinds={"dlt", "duckdb"},
            description=f"{connector} records landed in the tenant's raw_<tenant>__{connector} dataset (dlt)",
            skippable=True,
        )
        for connector in sorted(catalog.connectors)
    ]
    return [
        *landing,
        dg.AssetSpec(
            BUILD,
            deps=[s.key for s in landing],
            group_name="warehouse",
            kinds={"dbt", "duckdb"},
            description="dbt build of the checked-in warehouse/ project for the tenant (its vars, its database)",
            skippable=True,
        ),
        dg.AssetSpec(TEST, deps=[BUILD], group_name="warehouse", description="the build's dbt tests", skippable=True),
        dg.AssetSpec(
            PUBLISH,
            deps=[TEST],
            group_name="serving",
            description="the read snapshot the API serves, swapped atomically",
            skippable=True,
        ),
    ]


# --- transient errors: retried with backoff; anything else fails the run at once ------------------------

_CLIENT_ERROR = re.compile(r"answered 4(?!29)\d\d \(error\)")


def transient(exc: BaseException) -> bool:
    """A source that may answer later (timeouts, 5xx, throttling after the client's own retries, a report job
    still running) or the tenant's other run (the CLI's) holding its lock. Refused credentials, a 4xx, a
    malformed page, a failing model or test would fail the same way again."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TenantBusyError | ReportTimeoutError | httpx.TransportError):
            return True
        if isinstance(seen, ApiError):
            return not _CLIENT_ERROR.search(seen.problem)
        seen = seen.__cause__ or seen.__context__
    return False


def backoff_seconds(base: float, retry_number: int) -> float:
    return base * 2**retry_number


# --- the run --------------------------------------------------------------------------------------------


def _job_recorder(context: dg.AssetExecutionContext, gata: GataResource) -> Recorder | None:
    job_id = context.run.tags.get(JOB_TAG)
    if not job_id:
        return None
    store = JobStore(gata.ws())
    try:
        recorder = Recorder(store, store.get(job_id))
    except UnknownJobError:
        context.log.warning(f"job record {job_id} not found: progress goes to Dagster's log only")
        return None
    recorder.begin()
    return recorder


def _progress(context: dg.AssetExecutionContext, slug: str, recorder: Recorder | None) -> Callable[[str, str], None]:
    def report(step: str, state: str) -> None:
        context.log.info(f"gata {slug}: step {step} {'started' if state == 'start' else state}")
        if recorder:
            recorder.progress(step, state)

    return report


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def run_tenant(
    context: dg.AssetExecutionContext, config: TenantRun, gata: GataResource
) -> Iterator[dg.MaterializeResult]:
    private_files()  # the run's process writes the tenant's files as `gata` does: the owner's only
    slug = context.partition_key
    cfg, ws = gata.load(), gata.ws()
    tenant = cfg.tenant(slug)  # a tenant removed from the file (or broken there) fails here, naming why
    mode = config.mode
    if mode == "auto":
        mode = "onboard" if onboarding_needed(ws, tenant) else "sync"
    days = config.days or gata.days()
    if mode == "onboard" and (problem := history_problem(tenant, days)):  # the CLI's and the wizard's bound
        raise dg.Failure(description=f"tenant '{slug}': {problem}", allow_retries=False)
    recorder = _job_recorder(context, gata)
    progress = _progress(context, slug, recorder)
    settings = gata.settings()
    try:
        with cores_shared(settings, settings.dagster_max_runs):  # the other runs of the instance share the cores
            if mode == "onboard":
                result: OnboardResult | None = onboard(
                    cfg, [slug], ws, days=days, end_date=_day(config.end_date), progress=progress
                )
                status = "onboarded"
            else:
                outcome = sync_tenant(cfg, slug, ws, through=_day(config.through), progress=progress)
                result, status = outcome.result, outcome.status
    except Exception as exc:
        if recorder:
            recorder.fail(*((exc.step, exc.message) if isinstance(exc, OnboardingError) else ("validate", str(exc))))
        retries = settings.dagster_retries
        if transient(exc) and context.retry_number < retries:
            wait = backoff_seconds(settings.dagster_retry_seconds, context.retry_number)
            context.log.warning(f"gata {slug}: transient failure, retry {context.retry_number + 1} in {wait:.0f} s")
            raise dg.RetryRequested(max_retries=retries, seconds_to_wait=wait) from exc
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    if recorder:
        recorder.succeed()
    context.log.info(f"gata {slug}: {mode} {status}")
    if result is not None:
        yield from materializations(ws, tenant, result, mode)


def materializations(ws, tenant: Tenant, result: OnboardResult, mode: str) -> Iterator[dg.MaterializeResult]:
    """The stages the run went through, from its steps: landing per source only if it landed, then build,
    test and publish as they ran (a sync that only re-published reports publish alone)."""
    steps = {s.step: s for s in result.steps}
    common = {"gata/mode": mode}
    if "land" in steps:
        rows = _landed_rows(ws, tenant.slug)
        for source in tenant.enabled_sources():
            meta = {**common, "seconds (all sources)": round(steps["land"].seconds, 2)}
            if source.connector in rows:
                meta["rows"] = rows[source.connector]
            yield dg.MaterializeResult(asset_key=land_key(source.connector), metadata=meta)
    for key, step in ((BUILD, "build"), (TEST, "test"), (PUBLISH, "publish")):
        if step in steps:
            meta = {**common, "seconds": round(steps[step].seconds, 2), "detail": steps[step].detail}
            yield dg.MaterializeResult(asset_key=key, metadata=meta)


def _landed_rows(ws, slug: str) -> dict[str, int]:
    """Rows per source of the tenant's latest landing (its ingest record), for the materializations' metadata."""
    try:
        with duckdb.connect(str(ws.warehouse_path(slug)), read_only=True) as con:
            rows = con.execute(
                f"select connector, sum(row_count) from {PLATFORM_SCHEMA}.ingest_loads where run_id = "
                f"(select run_id from {PLATFORM_SCHEMA}.ingest_loads order by started_at desc limit 1) group by 1"
            ).fetchall()
    except duckdb.Error:  # metadata only: a run of the tenant that started meanwhile holds the file
        return {}
    return {connector: int(n) for connector, n in rows}


def tenant_assets(catalog: Catalog) -> dg.AssetsDefinition:
    """The multi-asset of one tenant's run. Not subsettable: a run is the whole tenant, as `gata sync` runs it
    (a Dagster run costs ~10 s of process start; per-model runs would multiply that by ~60)."""
    return dg.multi_asset(
        name="tenant_run",
        specs=asset_specs(catalog),
        partitions_def=TENANTS,
        can_subset=False,
        description=__doc__.split("\n\n")[0],
    )(run_tenant)
