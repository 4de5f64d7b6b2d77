"""Benchmarks of the daily refresh, every figure measured in this run:

1. one daily sync of bench_co (365 days of history, >= 5M events) vs a full rebuild of that tenant
   (dbt build --full-refresh of its models and their master slices, plus publish) over the same data;
2. `gata sync --all` (one day) for a fleet of 25 tenants cloned from the demo tenants, tenants in parallel
   (one process per core, the default) against the same sync one tenant at a time (GATA_PARALLEL_TENANTS=1).

    uv run python bench/bench_sync.py [--days 365] [--fleet 25] [--skip-fleet] [--skip-one]

Goals: the daily sync <= 0.2x the full rebuild (issue 9); sync --all in parallel <= 0.6x one at a time, and
the one-year onboarding's peak RSS <= 3 GiB (issue 16; children's peaks included).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_landing import peak_rss_mb
from bench_warehouse import fleet_config
from report import record

from gata.config import load_config
from gata.warehouse.onboard import build, onboard, publish, star_table_counts
from gata.warehouse.sync import sync_all, sync_tenant
from gata.workspace import Workspace

HERE = Path(__file__).parent
TODAY = datetime.now(UTC).date()


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def bench_one(out: Path, days: int) -> dict:
    cfg = load_config(HERE / "tenants_bench.yaml")
    tenant = cfg.tenant("bench_co")
    ws = Workspace.resolve(out / "bench_co")
    shutil.rmtree(ws.root, ignore_errors=True)
    t_onboard, _ = timed(lambda: onboard(cfg, ["bench_co"], ws, days=days, end_date=TODAY - timedelta(days=2)))
    onboard_rss = peak_rss_mb()  # landing and the dbt build both run in this process
    events = star_table_counts(ws, ["bench_co"])[("bench_co", "fct_events")]
    # warm-up sync (first incremental parse of the tenant's project), then the measured daily sync
    sync_tenant(cfg, "bench_co", ws, through=TODAY - timedelta(days=1))
    t_sync, outcome = timed(lambda: sync_tenant(cfg, "bench_co", ws, through=TODAY))

    def rebuild() -> None:
        result = build(ws, cfg.catalog, tenant, full=True)
        assert not result.failed() and result.error is None, result.summary()
        publish(ws, cfg, tenant)

    t_full, _ = timed(rebuild)
    return {
        "days": days,
        "onboard_seconds": round(t_onboard, 1),
        "onboard_peak_rss_mb": round(onboard_rss),
        "events": events,
        "daily_sync_seconds": round(t_sync, 1),
        "daily_sync_steps": {s.step: round(s.seconds, 2) for s in outcome.result.steps},
        "daily_sync_detail": {s.step: s.detail for s in outcome.result.steps if s.step in ("generate", "land")},
        "full_rebuild_seconds": round(t_full, 1),
        "sync_vs_full_rebuild_ratio": round(t_sync / t_full, 3),
    }


def bench_fleet(out: Path, n: int, days: int) -> dict:
    ws = Workspace.resolve(out / f"fleet_{n}")
    shutil.rmtree(ws.root, ignore_errors=True)
    cfg = load_config(fleet_config(out / f"fleet_{n}.yaml", n))
    slugs = [s for s in cfg.slugs() if s != "probe_tenant"]
    t_onboard, _ = timed(lambda: onboard(cfg, slugs, ws, days=days, end_date=TODAY - timedelta(days=2)))
    # one day synced one tenant at a time, the next day in parallel: the same work (one day of each tenant)
    os.environ["GATA_PARALLEL_TENANTS"] = "1"
    t_serial, serial = timed(lambda: sync_all(cfg, slugs, ws, through=TODAY - timedelta(days=1)))
    del os.environ["GATA_PARALLEL_TENANTS"]
    t_sync, outcomes = timed(lambda: sync_all(cfg, slugs, ws, through=TODAY))
    per_tenant = sorted(o.result.seconds for o in outcomes if o.result)
    return {
        "tenants": n,
        "history_days": days,
        "onboard_all_seconds": round(t_onboard, 1),
        "serial_sync_all_seconds": round(t_serial, 1),
        "serial_synced": sum(o.status == "synced" for o in serial),
        "sync_all_seconds": round(t_sync, 1),
        "parallel_vs_serial_ratio": round(t_sync / t_serial, 3),
        "synced": sum(o.status == "synced" for o in outcomes),
        "failed": [o.tenant for o in outcomes if o.status == "failed"],
        "per_tenant_seconds_median": round(per_tenant[len(per_tenant) // 2], 1) if per_tenant else None,
        "per_tenant_seconds_max": round(per_tenant[-1], 1) if per_tenant else None,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--fleet", type=int, default=25)
    ap.add_argument("--fleet-days", type=int, default=30)
    ap.add_argument("--skip-fleet", action="store_true")
    ap.add_argument("--skip-one", action="store_true")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "sync")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report = {}
    if not args.skip_one:
        report["one_tenant"] = one = bench_one(args.out, args.days)
        one_year = f"1 tenant x {args.days} days x {one['events']:,} events"
        record(
            "bench_sync",
            "onboarding (generate, land, build, test, publish)",
            one["onboard_seconds"],
            "s",
            scale=one_year,
        )
        record(
            "bench_sync",
            "peak RSS of that onboarding",
            one["onboard_peak_rss_mb"],
            "MB",
            goal="<= 3 GiB",
            met=one["onboard_peak_rss_mb"] <= 3072,
            scale=one_year,
        )
        record(
            "bench_sync",
            f"daily sync of one tenant ({args.days} days of history)",
            one["daily_sync_seconds"],
            "s",
            "full rebuild (build + publish)",
            one["full_rebuild_seconds"],
            "ratio <= 0.2",
            one["sync_vs_full_rebuild_ratio"] <= 0.2,
            scale=one_year,
        )
        print(json.dumps(report, indent=2), flush=True)
    if not args.skip_fleet:
        report["fleet"] = fleet = bench_fleet(args.out, args.fleet, args.fleet_days)
        fleet_scale = f"{args.fleet} tenants x {args.fleet_days} days"
        record(
            "bench_sync",
            f"sync --all of {args.fleet} tenants, one day, in parallel",
            fleet["sync_all_seconds"],
            "s",
            "the same sync one tenant at a time",
            fleet["serial_sync_all_seconds"],
            "ratio <= 0.6",
            fleet["parallel_vs_serial_ratio"] <= 0.6,
            scale=fleet_scale,
        )
        record(
            "bench_sync",
            "per tenant in sync --all (median)",
            fleet["per_tenant_seconds_median"],
            "s",
            scale=fleet_scale,
        )
        print(json.dumps(report["fleet"], indent=2), flush=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
