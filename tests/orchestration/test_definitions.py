"""The Dagster definitions of the fleet, without running a pipeline: partitions follow the tenants file (the
sensor on a real ephemeral instance), one schedule per tenant cron, the asset graph from landing to publish,
the run queue's limits, the deployment files, and the wizard's jobs handed to Dagster."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.instance.config import dagster_instance_config
from dagster._core.run_coordinator import RunCoordinator
from dagster._serdes.config_class import ConfigurableClassData
from sensor_tick import sensor_tick

from gata.config import Domain, load_catalog
from gata.connectors.live.errors import ApiError, CredentialsError, ReportTimeoutError
from gata.jobs.launch import JobLauncher
from gata.jobs.store import JobStore
from gata.orchestration.assets import BUILD, JOB_TAG, PUBLISH, TENANT_TAG, TEST, land_key, transient
from gata.orchestration.definitions import build_definitions
from gata.orchestration.instance import DEPLOY, write_home
from gata.orchestration.jobs import TENANT_JOB
from gata.orchestration.partitions import TENANTS
from gata.orchestration.resource import GataResource
from gata.settings import Settings, cores_shared, threads_per_run
from gata.warehouse.locks import TenantBusyError
from gata.warehouse.onboard import OnboardingError
from gata.workspace import Workspace

TENANTS_DOC = {
    "tenants": [
        {
            "slug": "ads_and_shop",
            "name": "Ads and Shop",
            "schedule": "0 5 * * *",
            "sources": {"facebook_ads": {"generation": {"campaigns": 1}}, "shopify": {"generation": {"products": 5}}},
        },
        {
            "slug": "no_shop",
            "name": "No Shop",
            "schedule": "30 2 * * 1-5",
            "sources": {"bing_ads": {"generation": {"campaigns": 1}}, "woocommerce": {"generation": {"products": 5}}},
        },
        {
            "slug": "analytics_only",
            "name": "Analytics Only",
            "sources": {"mixpanel": {"generation": {"daily_sessions": 30, "users": 200}}},
        },
    ]
}


@pytest.fixture
def fleet(tmp_path: Path):
    path = tmp_path / "tenants.yaml"
    path.write_text(yaml.safe_dump(TENANTS_DOC, sort_keys=False))
    ws = Workspace.resolve(tmp_path / "ws")
    defs = build_definitions(tenants_file=path, workspace=ws.root)
    return path, ws, defs


def test_one_partition_per_tenant_and_onboarding_requested_for_each_new_one(fleet):
    path, ws, defs = fleet
    with dg.DagsterInstance.ephemeral() as instance:
        result = sensor_tick(defs, instance)
        assert sorted(instance.get_dynamic_partitions(TENANTS.name)) == sorted(
            t["slug"] for t in TENANTS_DOC["tenants"]
        )
        requests = {r.partition_key: r for r in result.run_requests}
        assert sorted(requests) == sorted(instance.get_dynamic_partitions(TENANTS.name))
        for slug, request in requests.items():
            assert request.job_name == TENANT_JOB
            assert request.tags[TENANT_TAG] == slug
            assert request.run_config["ops"]["tenant_run"]["config"]["mode"] == "onboard"
        # the next tick asks for the same runs under the same keys (the daemon starts each key once)
        again = sensor_tick(defs, instance)
        assert {r.run_key for r in again.run_requests} == {r.run_key for r in result.run_requests}


def test_sensor_removes_a_removed_tenant_keeps_a_broken_one(fleet):
    path, ws, defs = fleet
    with dg.DagsterInstance.ephemeral() as instance:
        sensor_tick(defs, instance)
        doc = yaml.safe_load(path.read_text())
        doc["tenants"] = [t for t in doc["tenants"] if t["slug"] != "no_shop"]
        doc["tenants"][1]["sources"]["mixpanel"]["generation"]["daily_sessions"] = -5  # broken, not removed
        path.write_text(yaml.safe_dump(doc, sort_keys=False))
        result = sensor_tick(defs, instance)
        assert sorted(instance.get_dynamic_partitions(TENANTS.name)) == ["ads_and_shop", "analytics_only"]
        assert [r.partition_key for r in result.run_requests] == ["ads_and_shop"]  # the broken one waits


def test_one_schedule_per_tenant_cron(fleet):
    path, ws, defs = fleet
    repo = defs.get_repository_def()
    schedules = {s.name: s for s in repo.schedule_defs}
    assert {name: (s.cron_schedule, s.execution_timezone) for name, s in schedules.items()} == {
        "sync_ads_and_shop": ("0 5 * * *", "UTC"),
        "sync_no_shop": ("30 2 * * 1-5", "UTC"),
        "sync_analytics_only": ("0 6 * * *", "UTC"),  # the tenant's default schedule
    }
    with dg.instance_for_test() as instance:  # a schedule context needs an instance it can reference
        context = dg.build_schedule_context(instance=instance)
        skipped = schedules["sync_no_shop"].evaluate_tick(context)
        assert not skipped.run_requests and "not a partition" in skipped.skip_message
        instance.add_dynamic_partitions(TENANTS.name, ["no_shop"])
        (request,) = (
            schedules["sync_no_shop"]
            .evaluate_tick(dg.build_schedule_context(instance=instance, repository_def=repo))
            .run_requests
        )
        assert (request.partition_key, request.tags[TENANT_TAG]) == ("no_shop", "no_shop")
        assert request.run_config["ops"]["tenant_run"]["config"]["mode"] == "sync"


def test_asset_graph_from_landing_per_source_to_publish(fleet):
    _, _, defs = fleet
    graph = defs.resolve_asset_graph()
    connectors = sorted(load_catalog().connectors)
    landing = {land_key(c) for c in connectors}
    assert graph.get_all_asset_keys() == landing | {BUILD, TEST, PUBLISH}
    assert set(graph.get(BUILD).parent_keys) == landing
    assert set(graph.get(TEST).parent_keys) == {BUILD}
    assert set(graph.get(PUBLISH).parent_keys) == {TEST}
    for key in graph.get_all_asset_keys():
        assert graph.get(key).partitions_def == TENANTS
    job = defs.resolve_job_def(TENANT_JOB)
    assert job.executor_def is dg.in_process_executor  # a run is one process: the whole tenant
    assert [n.name for n in job.nodes] == ["tenant_run"]


@pytest.mark.parametrize(
    "exc, retried",
    [
        (ApiError("t", "google_ads", "GET https://x/y answered 503 (error): down", "rerun later"), True),
        (ApiError("t", "google_ads", "GET https://x/y answered 429 (still throttled after every retry)", "."), True),
        (ApiError("t", "google_ads", "GET https://x/y failed: ConnectionError", "rerun later"), True),
        (ApiError("t", "google_ads", "GET https://x/y answered 400 (error): bad field", "check options"), False),
        (ReportTimeoutError("t", "amazon_ads", "report not ready", "rerun later"), True),
        (CredentialsError("t", "facebook_ads", "token expired", "renew it"), False),
        (TenantBusyError("t", "sync of t (pid 1)"), True),
    ],
)
def test_retries_only_transient_errors(exc, retried):
    wrapped = OnboardingError("generate", str(exc))  # as the run's steps raise it: the cause chained
    wrapped.__cause__ = exc
    assert transient(wrapped) is retried
    assert transient(OnboardingError("build", "model failed")) is False


def test_local_instance_queues_runs_globally_and_one_per_tenant(tmp_path, monkeypatch):
    monkeypatch.setenv("GATA_DAGSTER_MAX_RUNS", "3")
    write_home(tmp_path / "home", Settings())
    with dg.DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        queue = instance.run_coordinator.get_run_queue_config()
        assert queue.max_concurrent_runs == 3
        assert queue.tag_concurrency_limits == [
            {"key": key, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
            for key in (TENANT_TAG, "dagster/partition")
        ]
        assert instance.run_retries_enabled and instance.run_monitoring_enabled


def test_a_new_home_has_its_storage_stamped_once_before_any_dagster_process_starts(tmp_path):
    """Processes started together on a fresh home each created the SQLite storage, and two could stamp its
    schema version twice: no Dagster process opened it after that (dagster-io/dagster#27390; it stopped the
    fleet test's daemon for 15 minutes). `write_home` creates it, once."""
    home = tmp_path / "home"
    write_home(home, Settings())
    databases = {p.relative_to(home).as_posix() for p in home.rglob("*.db")}
    assert databases == {"history/runs.db", "history/runs/index.db", "schedules/schedules.db"}
    for name in databases:
        with contextlib.closing(sqlite3.connect(home / name)) as con:
            assert len(con.execute("select version_num from alembic_version").fetchall()) == 1, name


def test_deployment_files_load(tmp_path, monkeypatch):
    """deploy/dagster: the instance file is valid Dagster config (its run queue processed for real), the
    Docker launcher block fits the same schema, and the workspace file names a module that loads."""
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB", "GATA_IMAGE"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("GATA_DAGSTER_MAX_RUNS", "16")
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    config, _ = dagster_instance_config(str(home))
    assert config["storage"]["postgres"]["postgres_db"]["port"] == 5432
    assert config["run_launcher"]["class"] == "K8sRunLauncher"
    coordinator = ConfigurableClassData(
        config["run_coordinator"]["module"],
        config["run_coordinator"]["class"],
        yaml.safe_dump(config["run_coordinator"]["config"]),
    ).rehydrate(RunCoordinator)
    queue = coordinator.get_run_queue_config()
    assert queue.max_concurrent_runs == 16
    for key in (TENANT_TAG, "dagster/partition"):
        assert {"key": key, "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in queue.tag_concurrency_limits
    live = {limit["key"] for limit in queue.tag_concurrency_limits if limit["key"].startswith("gata/live/")}
    assert live == {f"gata/live/{c}" for c in load_catalog().in_domain(Domain.paid_ads)}

    docker = yaml.safe_load((DEPLOY / "docker.yaml").read_text())
    (home / "dagster.yaml").write_text(
        yaml.safe_dump({**yaml.safe_load((DEPLOY / "dagster.yaml").read_text()), **docker})
    )
    assert dagster_instance_config(str(home))[0]["run_launcher"]["class"] == "DockerRunLauncher"

    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    (location,) = workspace["load_from"]
    module = __import__(location["python_module"]["module_name"], fromlist=["defs"])
    assert isinstance(module.defs, dg.Definitions)
    assert module.defs.resolve_job_def(TENANT_JOB)


def test_wizard_job_goes_to_dagster_and_its_run_writes_the_record(fleet):
    """GATA_ORCHESTRATOR=dagster: the wizard records the job and adds the tenant, no worker process; the
    sensor's onboarding run carries the job (its days, its record)."""
    path, ws, defs = fleet
    doc = yaml.safe_load(path.read_text())
    with dg.DagsterInstance.ephemeral() as instance:
        sensor_tick(defs, instance)
        new = {"slug": "wizard_co", "name": "Wizard Co", "sources": {"shopify": {"generation": {"products": 5}}}}
        job = JobLauncher(ws, "dagster").start(
            "wizard_co",
            days=5,
            config_file=str(path),
            created_by="admin",
            prepare=lambda: path.write_text(yaml.safe_dump({"tenants": [*doc["tenants"], new]}, sort_keys=False)),
        )
        assert (job.runner, job.status, job.pid) == ("dagster", "queued", None)
        assert JobStore(ws).get(job.id).status == "queued"  # no process of its own: not reported dead
        result = sensor_tick(defs, instance)
        assert "wizard_co" in instance.get_dynamic_partitions(TENANTS.name)
        (request,) = [r for r in result.run_requests if r.partition_key == "wizard_co"]
        assert request.tags[JOB_TAG] == job.id
        assert request.run_config["ops"]["tenant_run"]["config"]["days"] == 5


def test_resource_defaults_come_from_gata_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("GATA_WORKSPACE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GATA_DAGSTER_ONBOARD_DAYS", "9")
    resource = GataResource()
    assert resource.ws().root == (tmp_path / "elsewhere").resolve()
    assert resource.days() == 9


def test_a_run_takes_its_share_of_the_cores(monkeypatch):
    """Each of the instance's concurrent runs gives DuckDB and dbt its share of the cores (as `gata sync --all`'s
    processes do), not all of them each; an operator's own thread count stands."""
    monkeypatch.delenv("GATA_DUCKDB_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    with cores_shared(Settings(), 2):
        assert Settings().duckdb_threads == 4
        assert threads_per_run(Settings(), 1) == 4  # what the tenant's dbt profile gets
    assert "GATA_DUCKDB_THREADS" not in os.environ
    monkeypatch.setenv("GATA_DUCKDB_THREADS", "3")
    with cores_shared(Settings(), 2):
        assert Settings().duckdb_threads == 3
    assert os.environ["GATA_DUCKDB_THREADS"] == "3"
