"""The tenants sensor: the partitions follow the tenants file, and a tenant that needs onboarding gets it.

Each evaluation reads the file (the wizard appends to it, people edit it): a new tenant becomes a partition,
a removed one stops being one (its database stays, as with the CLI), and every tenant that was never built
here, or whose sources or logic changed, gets one onboarding run, keyed by its configuration hash so the
same configuration is never onboarded twice. A wizard job queued for that tenant (GATA_ORCHESTRATOR=dagster)
gives its history and its record, which the run then keeps up to date for the progress page.
"""

import dagster as dg

from gata.config.tenants import Tenant
from gata.jobs.store import Job, JobStore
from gata.jobs.worker import Recorder
from gata.orchestration.assets import JOB_TAG, TenantRun
from gata.orchestration.jobs import TENANT_JOB, run_request
from gata.orchestration.partitions import TENANTS, partition_changes
from gata.orchestration.resource import GataResource
from gata.warehouse.sync import onboarding_needed
from gata.workspace import Workspace

SENSOR = "gata_tenants"


def _queued_job(ws: Workspace, slug: str) -> Job | None:
    job = JobStore(ws).active_for(slug)
    return job if job is not None and job.runner == "dagster" and job.status == "queued" else None


def onboarding_request(ws: Workspace, tenant: Tenant, gata: GataResource) -> dg.RunRequest | None:
    if onboarding_needed(ws, tenant) is None:
        return None
    job = _queued_job(ws, tenant.slug)
    tags = {JOB_TAG: job.id} if job else {}
    key = f"onboard:{tenant.slug}:{tenant.config_hash()[:16]}" + (f":{job.id}" if job else "")
    run = TenantRun(mode="onboard", days=job.days if job else gata.days(), end_date=gata.onboard_end_date)
    return run_request(tenant, "onboard", run, key, **tags)


def evaluate(context: dg.SensorEvaluationContext, gata: GataResource) -> dg.SensorResult:
    config, ws = gata.load(), gata.ws()
    current = list(context.instance.get_dynamic_partitions(TENANTS.name))
    wanted = config.slugs() + [i.tenant for i in config.issues if i.tenant]
    added, removed, partition_requests = partition_changes(current, wanted)
    runs = [r for t in config.tenants if (r := onboarding_request(ws, t, gata)) is not None]
    for issue in config.issues:  # a broken tenant keeps its partition and data; its runs wait for a fix
        context.log.warning(f"tenant skipped: {issue}")
    if added or removed:
        context.log.info(f"tenants added: {added or '-'}; removed: {removed or '-'}")
    return dg.SensorResult(run_requests=runs, dynamic_partitions_requests=partition_requests)


def tenants_sensor(interval_seconds: int) -> dg.SensorDefinition:
    def tenants(context: dg.SensorEvaluationContext, gata: GataResource) -> dg.SensorResult:
        return evaluate(context, gata)

    return dg.sensor(
        name=SENSOR,
        job_name=TENANT_JOB,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=__doc__.split("\n\n")[0],
    )(tenants)


def job_failure_sensor() -> dg.SensorDefinition:
    """A run that died without saying so (its worker killed, its pod evicted: Dagster's run monitoring fails
    it) fails its wizard job's record too, so the progress page does not wait forever."""

    def failed(context: dg.RunFailureSensorContext, gata: GataResource) -> None:
        job_id = context.dagster_run.tags.get(JOB_TAG)
        if not job_id:
            return
        store = JobStore(gata.ws())
        job = store.get(job_id)
        if job.active:
            recorder = Recorder(store, job)
            running = next((s.step for s in reversed(job.steps) if s.state == "running"), "start")
            recorder.fail(
                running, f"the Dagster run {context.dagster_run.run_id} failed: {context.failure_event.message}"
            )

    return dg.run_failure_sensor(
        name="gata_job_failures", default_status=dg.DefaultSensorStatus.RUNNING, monitor_all_code_locations=False
    )(failed)
