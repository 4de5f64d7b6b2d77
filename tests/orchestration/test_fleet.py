"""Three tenants on a real Dagster: the daemon (its run queue at 2 concurrent runs, one per tenant) starts the
onboardings the tenants sensor requests; their star tables equal `onboard()`'s; the sensor follows the file
without touching anyone's data; a run killed with SIGKILL mid-build and run again equals an unkilled sync,
checked as the fault suite checks the CLI. Real processes throughout: dagster-daemon, its code server, the
run workers, `dagster job execute`; DuckDB, dbt and dlt as in production."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml
from sensor_tick import sensor_tick

from conftest import table_digest
from gata.config import load_config
from gata.orchestration.assets import BUILD, PUBLISH, TENANT_TAG, TEST, land_key
from gata.orchestration.definitions import build_definitions
from gata.orchestration.instance import write_home
from gata.orchestration.jobs import TENANT_JOB
from gata.orchestration.partitions import TENANTS
from gata.settings import Settings
from gata.star.contracts import CONTRACTS
from gata.star.snapshot import current_version
from gata.warehouse.onboard import onboard
from gata.warehouse.sync import sync_tenant
from gata.workspace import Workspace
from reliability.test_faults import D0, HISTORY, RUN_DEPENDENT, SLUG, SOURCES, rerun_errors, star_digests

BIN = Path(sys.executable).parent
FLEET_DEFS = str(Path(__file__).with_name("fleet_defs.py"))
TENANTS_DOC = {
    "tenants": [
        {"slug": SLUG, "name": "Fault Co", "seed": 8, "sources": SOURCES},  # the fault suite's tenant and checks
        {
            "slug": "dag_bing",
            "name": "Dag Bing",
            "seed": 3,
            "sources": {
                "bing_ads": {"generation": {"campaigns": 1}},
                "woocommerce": {"generation": {"products": 5}},
                "amplitude": {"generation": {"daily_sessions": 30, "users": 200}},
            },
        },
        {
            "slug": "dag_google",
            "name": "Dag Google",
            "seed": 5,
            "sources": {
                "google_ads": {"generation": {"campaigns": 1}},
                "shopify": {"generation": {"products": 5}},
                "mixpanel": {"generation": {"daily_sessions": 40, "users": 300}},
            },
        },
    ]
}
SLUGS = [t["slug"] for t in TENANTS_DOC["tenants"]]
MAX_RUNS = 2


def digests(ws: Workspace, slug: str) -> dict[str, tuple[int, str]]:
    with duckdb.connect(str(ws.warehouse_path(slug)), read_only=True) as con:
        return {
            c.table: table_digest(con, f'analytics."{c.model_name(slug)}"', exclude=RUN_DEPENDENT) for c in CONTRACTS
        }


def runs_of(ws: Workspace, slug: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(ws.warehouse_path(slug)), read_only=True) as con:
        return con.execute("select kind, status from gata_platform.pipeline_runs order by started_at").fetchall()


def max_overlap(records) -> int:
    """Most runs in progress at one moment, from their start and end times."""
    edges = sorted([(r.start_time, 1) for r in records] + [(r.end_time, -1) for r in records], key=lambda e: e)
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    root = tmp_path_factory.mktemp("dagster_fleet")
    tenants_file = root / "tenants.yaml"
    tenants_file.write_text(yaml.safe_dump(TENANTS_DOC, sort_keys=False))
    config = load_config(tenants_file)
    reference = Workspace.resolve(root / "reference")
    built: list[BaseException | float] = []

    def build_reference() -> None:  # what `gata onboard --all` builds, beside Dagster's runs (they share nothing)
        started = time.perf_counter()
        try:
            onboard(config, SLUGS, reference, days=HISTORY, end_date=D0)
            built.append(time.perf_counter() - started)
        except BaseException as exc:
            built.append(exc)

    beside = threading.Thread(target=build_reference, daemon=True)
    beside.start()

    ws, home = Workspace.resolve(root / "dagster_ws"), root / "dagster_home"
    write_home(home, Settings(dagster_max_runs=MAX_RUNS))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "GATA_TENANTS_FILE": str(tenants_file),
        "GATA_WORKSPACE": str(ws.root),
        "GATA_DAGSTER_SENSOR_SECONDS": "2",
        "GATA_TEST_DAYS": str(HISTORY),
        "GATA_TEST_END_DATE": D0.isoformat(),
        "PYTHONUNBUFFERED": "1",
    }
    log = (root / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-f", FLEET_DEFS],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    instance = dg.DagsterInstance.from_config(str(home))
    started = time.perf_counter()
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            records = instance.get_run_records()
            failed = [r.dagster_run for r in records if r.dagster_run.status == dg.DagsterRunStatus.FAILURE]
            assert not failed, (
                f"run failed: {failed[0].run_id}; daemon log: {(root / 'daemon.log').read_text()[-3000:]}"
            )
            done = [r for r in records if r.dagster_run.status == dg.DagsterRunStatus.SUCCESS]
            if len(done) == len(SLUGS):
                break
            assert daemon.poll() is None, (root / "daemon.log").read_text()[-3000:]
            time.sleep(1)
        else:
            pytest.fail(f"the onboardings did not finish; daemon log: {(root / 'daemon.log').read_text()[-3000:]}")
        dagster_seconds = time.perf_counter() - started
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait(timeout=30)
        log.close()
    beside.join(timeout=900)
    assert built and not isinstance(built[0], BaseException), built
    print(
        f"\nreference onboard() of 3 tenants: {built[0]:.1f} s; through Dagster: {dagster_seconds:.1f} s (side by side)"
    )
    yield {
        "root": root,
        "file": tenants_file,
        "config": config,
        "reference": reference,
        "ws": ws,
        "home": home,
        "env": env,
        "instance": instance,
        "records": instance.get_run_records(),
    }
    instance.dispose()


def test_sensor_started_one_onboarding_per_tenant_at_most_two_at_once(fleet):
    records = fleet["records"]
    assert sorted(r.dagster_run.tags[TENANT_TAG] for r in records) == sorted(SLUGS)
    assert sorted(fleet["instance"].get_dynamic_partitions(TENANTS.name)) == sorted(SLUGS)
    assert all(r.dagster_run.tags["dagster/partition"] == r.dagster_run.tags[TENANT_TAG] for r in records)
    assert max_overlap(records) == MAX_RUNS  # the queue held the third run back, and ran two side by side


def test_star_tables_equal_gata_onboard_checksum_for_checksum(fleet):
    ws, reference = fleet["ws"], fleet["reference"]
    for slug in SLUGS:
        assert digests(ws, slug) == digests(reference, slug), slug
        # the same functions ran: the same run record, status and a published snapshot
        assert runs_of(ws, slug) == runs_of(reference, slug) == [("onboard", "success")]
        assert current_version(ws, slug) is not None


def test_a_tenant_without_shopify_has_no_shopify_assets_materialized(fleet):
    instance = fleet["instance"]
    assert instance.get_materialized_partitions(land_key("shopify")) == {SLUG, "dag_google"}
    assert instance.get_materialized_partitions(land_key("bing_ads")) == {"dag_bing"}
    assert instance.get_materialized_partitions(land_key("tiktok_ads")) == set()
    for key in (BUILD, TEST, PUBLISH):
        assert instance.get_materialized_partitions(key) == set(SLUGS)


def test_sensor_adds_and_removes_a_tenant_leaving_the_others_untouched(fleet):
    ws, path, instance = fleet["ws"], fleet["file"], fleet["instance"]
    defs = build_definitions(tenants_file=path, workspace=ws.root)
    before = {slug: digests(ws, slug) for slug in SLUGS}

    new = {"slug": "dag_new", "name": "Dag New", "sources": {"shopify": {"generation": {"products": 5}}}}
    path.write_text(yaml.safe_dump({"tenants": [*TENANTS_DOC["tenants"], new]}, sort_keys=False))
    try:
        added = sensor_tick(defs, instance)
        assert sorted(instance.get_dynamic_partitions(TENANTS.name)) == sorted([*SLUGS, "dag_new"])
        assert [(r.partition_key, r.job_name) for r in added.run_requests] == [("dag_new", TENANT_JOB)]
        path.write_text(yaml.safe_dump(TENANTS_DOC, sort_keys=False))
        removed = sensor_tick(defs, instance)
        assert sorted(instance.get_dynamic_partitions(TENANTS.name)) == sorted(SLUGS)
        assert removed.run_requests == []  # everyone left is onboarded: nothing to start
    finally:
        path.write_text(yaml.safe_dump(TENANTS_DOC, sort_keys=False))
    assert {slug: digests(ws, slug) for slug in SLUGS} == before


def _execute(fleet, config_file: Path, kill_in: str | None = None, delay: float = 0.0) -> tuple[int, bool, str]:
    """`dagster job execute` of the tenant's sync in its own process group; with `kill_in`, SIGKILL the group
    `delay` seconds after that step started. Returns (exit code, whether it was killed, output)."""
    tags = json.dumps({"dagster/partition": SLUG, TENANT_TAG: SLUG})
    cmd = [str(BIN / "dagster"), "job", "execute", "-f", FLEET_DEFS, "-j", TENANT_JOB, "--tags", tags]
    proc = subprocess.Popen(
        [*cmd, "-c", str(config_file)],
        env=fleet["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reached = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if kill_in and f"gata {SLUG}: step {kill_in} started" in line:
                reached.set()
        reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    killed = False
    if kill_in:
        assert reached.wait(600), "the run never reached its step"
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
    code = proc.wait(timeout=600)
    reader.join(timeout=10)
    return code, killed, "".join(lines)


def test_sigkill_mid_build_then_the_retry_equals_an_unkilled_run(fleet):
    ws, reference, config = fleet["ws"], fleet["reference"], fleet["config"]
    through = D0 + timedelta(days=1)
    sync_tenant(config, SLUG, reference, through=through)  # the unkilled run: `gata sync`'s function
    expected = star_digests(reference.warehouse_path(SLUG))
    run_config = fleet["root"] / "sync.yaml"
    run_config.write_text(
        yaml.safe_dump({"ops": {"tenant_run": {"config": {"mode": "sync", "through": through.isoformat()}}}})
    )
    code, killed, output = _execute(fleet, run_config, kill_in="build", delay=1.5)
    assert killed, f"the run ended before the kill (exit {code}): {output[-2000:]}"
    with duckdb.connect(str(ws.warehouse_path(SLUG)), read_only=True) as con:
        status = con.execute("select status from gata_platform.tenant_status").fetchone()
    assert status == ("syncing",)  # killed between landing and activation: the retry must rebuild it

    code, killed, output = _execute(fleet, run_config)  # the retry: the partition's run again
    assert code == 0, output[-3000:]
    excluded = config.tenant(SLUG).source("shopify").logic.excluded_order_statuses
    assert rerun_errors(ws, excluded, expected) == []
    kinds = [kind for kind, _ in runs_of(ws, SLUG)]
    assert kinds == ["onboard", "sync", "sync"]  # the killed run is recorded, as the CLI's would be
