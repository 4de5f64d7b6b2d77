"""The fleet's daily sync through Dagster against `gata sync --all` one tenant at a time, in the same run:

1. a fleet of N tenants cloned from the demo tenants (bench_warehouse.fleet_config) is onboarded (`onboard()`);
2. one day is synced one tenant at a time (`sync_all` with GATA_PARALLEL_TENANTS=1, as `gata sync --all`);
3. with `--embedded`, the next day is synced by `gata sync --all` in parallel (one process per core, the
   default), issue 16's comparison on the same fleet (bench_sync's fleet figure, without a second fleet);
4. the next day is synced by Dagster: `dagster-daemon run` on a local instance (gata.orchestration.instance:
   SQLite, run queue at GATA_DAGSTER_MAX_RUNS=2, one run per tenant), every tenant's schedule set to fire at
   the same minute, so the scheduler queues N runs (one per partition) and the queue runs them two at a time.

Dagster's time is from the fire time to the end of the last run. Per-run orchestrator overhead is each run's
time from its launch (out of the queue) to its end minus the gata run inside it (the tenant's pipeline_runs
record): the run worker's process start (reported apart too) and Dagster's own work in the run. The wait for
a run slot is reported apart: it is the queue doing its job, not overhead.

    uv run python bench/bench_dagster.py [--fleet 25] [--days 30] [--embedded]

Goals: Dagster with 2 concurrent runs <= 0.65x the one-at-a-time sync (issue 23); `sync --all` in parallel
<= 0.6x the one-at-a-time sync (issue 16).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import yaml
from bench_warehouse import fleet_config
from report import record

from gata.config import load_config
from gata.orchestration.assets import TENANT_TAG
from gata.orchestration.instance import write_home
from gata.settings import Settings
from gata.warehouse.onboard import onboard
from gata.warehouse.sync import sync_all
from gata.workspace import Workspace

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
TODAY = datetime.now(UTC).date()
MAX_RUNS = 2


def fleet_file(out: Path, n: int) -> Path:
    """The bench fleet without bench_warehouse's probe tenant (the sensor would onboard it)."""
    path = fleet_config(out / f"fleet_{n}.yaml", n)
    doc = yaml.safe_load(path.read_text())
    doc["tenants"] = [t for t in doc["tenants"] if t["slug"] != "probe_tenant"]
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def schedule_all_at(path: Path, fire: datetime) -> None:
    doc = yaml.safe_load(path.read_text())
    for tenant in doc["tenants"]:
        tenant["schedule"] = f"{fire.minute} {fire.hour} * * *"  # a schedule is sync-neutral: no re-onboarding
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def gata_seconds(ws: Workspace, slug: str, after: datetime) -> float | None:
    """Seconds of the tenant's last sync started after `after` (naive UTC), from its run record."""
    with duckdb.connect(str(ws.warehouse_path(slug)), read_only=True) as con:
        row = con.execute(
            "select epoch(finished_at) - epoch(started_at) from gata_platform.pipeline_runs "
            "where kind = 'sync' and started_at >= ? order by started_at desc limit 1",
            [after],
        ).fetchone()
    return row[0] if row else None


def through_dagster(out: Path, path: Path, ws: Workspace, slugs: list[str], timeout: float) -> dict:
    home = out / "dagster_home"
    shutil.rmtree(home, ignore_errors=True)
    write_home(home, Settings(dagster_max_runs=MAX_RUNS))
    now = datetime.now(UTC).replace(tzinfo=None)
    fire = (now + timedelta(seconds=90)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    schedule_all_at(path, fire)
    env = {**os.environ, "DAGSTER_HOME": str(home), "GATA_TENANTS_FILE": str(path), "GATA_WORKSPACE": str(ws.root)}
    env.pop("GATA_PARALLEL_TENANTS", None)
    log = (out / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(BIN / "dagster-daemon"), "run", "-m", "gata.orchestration.definitions"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            records = instance.get_run_records()
            ended = [r for r in records if r.dagster_run.is_finished]
            if len(ended) >= len(slugs):
                break
            if daemon.poll() is not None:
                raise RuntimeError(f"dagster-daemon ended: {(out / 'daemon.log').read_text()[-3000:]}")
            time.sleep(2)
        else:
            raise RuntimeError(f"{len(ended)} of {len(slugs)} runs ended in {timeout:.0f} s")
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=120)
        log.close()
    try:
        return run_figures(instance, ws, fire)
    finally:
        instance.dispose()


def run_figures(instance: dg.DagsterInstance, ws: Workspace, fire: datetime) -> dict:
    """Wall time from the fire time (naive UTC) and each run's overhead, from the instance's run records."""
    records = instance.get_run_records()
    fired = fire.replace(tzinfo=UTC).timestamp()
    overhead, process_start, queued, failed = [], [], [], []
    for r in records:
        slug = r.dagster_run.tags[TENANT_TAG]
        if r.dagster_run.status != dg.DagsterRunStatus.SUCCESS:
            failed.append(slug)
            continue
        inner = gata_seconds(ws, slug, fire)
        launched = [
            e.timestamp for e in instance.all_logs(r.dagster_run.run_id, of_type=dg.DagsterEventType.RUN_STARTING)
        ]
        if inner is None or not (r.start_time and r.end_time and launched):
            continue
        process_start.append(r.start_time - launched[0])  # launcher to run worker up: the process start
        queued.append(launched[0] - r.create_timestamp.timestamp())  # waiting for one of the run slots
        overhead.append(r.end_time - launched[0] - inner)  # everything of the run that is not the gata run
    last_end = max(r.end_time for r in records if r.end_time)
    return {
        "runs": len(records),
        "failed": failed,
        "seconds": last_end - fired,
        "overhead_seconds_median": median(overhead),
        "overhead_seconds_max": round(max(overhead), 2) if overhead else None,
        "process_start_seconds_median": median(process_start),
        "queued_seconds_median": median(queued),
    }


def median(values: list[float]) -> float | None:
    return round(sorted(values)[len(values) // 2], 2) if values else None


def timed_sync_all(cfg, slugs: list[str], ws: Workspace, through) -> tuple[float, list]:
    started = time.perf_counter()
    outcomes = sync_all(cfg, slugs, ws, through=through)
    return time.perf_counter() - started, outcomes


def bench(out: Path, n: int, days: int, timeout: float, embedded: bool = False) -> dict:
    """Each sync is one new day of every tenant: onboarding ends early enough for the serial day, the embedded
    parallel day (if asked) and Dagster's day, which its schedules sync through today."""
    ws = Workspace.resolve(out / f"fleet_{n}")
    shutil.rmtree(ws.root, ignore_errors=True)
    path = fleet_file(out, n)
    cfg = load_config(path)
    slugs = cfg.slugs()
    first_sync = TODAY - timedelta(days=2 if embedded else 1)
    onboard(cfg, slugs, ws, days=days, end_date=first_sync - timedelta(days=1))
    os.environ["GATA_PARALLEL_TENANTS"] = "1"  # `gata sync --all` one tenant at a time
    t_serial, serial = timed_sync_all(cfg, slugs, ws, first_sync)
    del os.environ["GATA_PARALLEL_TENANTS"]
    parallel: dict = {}
    if embedded:
        t_parallel, outcomes = timed_sync_all(cfg, slugs, ws, first_sync + timedelta(days=1))
        parallel = {
            "parallel_seconds": round(t_parallel, 1),
            "parallel_synced": sum(o.status == "synced" for o in outcomes),
            "parallel_vs_serial_ratio": round(t_parallel / t_serial, 3),
        }
    dagster = through_dagster(out, path, ws, slugs, timeout)  # the schedules sync through today
    return {
        "tenants": n,
        "history_days": days,
        "serial_seconds": round(t_serial, 1),
        "serial_synced": sum(o.status == "synced" for o in serial),
        **parallel,
        "dagster_seconds": round(dagster["seconds"], 1),
        "dagster_vs_serial_ratio": round(dagster["seconds"] / t_serial, 3),
        **{f"dagster_{k}": v for k, v in dagster.items() if k != "seconds"},
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--fleet", type=int, default=25)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=7200)
    ap.add_argument("--out", type=Path, default=HERE / "out" / "dagster")
    ap.add_argument("--embedded", action="store_true", help="also `gata sync --all` in parallel (issue 16)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    result = bench(args.out, args.fleet, args.days, args.timeout, args.embedded)
    scale = f"{args.fleet} tenants x {args.days} days"
    if args.embedded:
        record(
            "bench_dagster",
            f"sync --all of {args.fleet} tenants, one day, one process per core",
            result["parallel_seconds"],
            "s",
            "the same sync one tenant at a time",
            result["serial_seconds"],
            "ratio <= 0.6",
            result["parallel_vs_serial_ratio"] <= 0.6,
            scale=scale,
        )
    record(
        "bench_dagster",
        f"daily sync of {args.fleet} tenants through Dagster, {MAX_RUNS} runs at once",
        result["dagster_seconds"],
        "s",
        "gata sync --all one tenant at a time",
        result["serial_seconds"],
        "ratio <= 0.65",
        result["dagster_vs_serial_ratio"] <= 0.65,
        scale=scale,
    )
    record(
        "bench_dagster",
        "orchestrator overhead per run (launch to end minus the gata run inside it, median)",
        result["dagster_overhead_seconds_median"],
        "s",
        scale=scale,
    )
    record(
        "bench_dagster",
        "of which the run worker's process start (median)",
        result["dagster_process_start_seconds_median"],
        "s",
        scale=scale,
    )
    print(json.dumps(result, indent=2), flush=True)
    (args.out / "report.json").write_text(json.dumps(result, indent=2))
    sys.exit(1 if result["dagster_failed"] else 0)
