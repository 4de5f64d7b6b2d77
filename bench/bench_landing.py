"""Benchmark: generate and land one tenant x 365 days at >= 5M analytics events.

Prints generation and landing throughput (rows/s), landing speed as a ratio to a plain DuckDB insert of
the same Arrow tables measured in the same run (goal >= 0.5), and peak memory (max RSS) per phase.

    uv run python bench/bench_landing.py [--days 365] [--config bench/tenants_bench.yaml]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb
from report import record

from gata.config import load_config
from gata.connectors.pull import window
from gata.ingest.land import land_connector
from gata.ingest.stage import read_staged, stage_pull
from gata.workspace import Workspace

HERE = Path(__file__).parent


def peak_rss_mb() -> float:
    """The peak resident set of this process or of any child it waited for (parallel tenant runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--config", default=str(HERE / "tenants_bench.yaml"))
    ap.add_argument("--tenant", default="bench_co")
    ap.add_argument("--end-date", default="2025-12-31")
    ap.add_argument("--out", default=str(HERE / "out" / "landing"))
    args = ap.parse_args()

    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    ws = Workspace.resolve(out / "workspace").ensure()
    cfg = load_config(args.config)
    tenant = cfg.tenant(args.tenant)
    span = window(date.fromisoformat(args.end_date), args.days)

    t0 = time.perf_counter()
    staged = stage_pull(tenant, cfg.catalog, span, out / "staged")
    gen_s = time.perf_counter() - t0
    rows = sum(o.rows for o in staged.objects.values())
    events = sum(o.rows for (c, name), o in staged.objects.items() if name == "events")
    gen_rss = peak_rss_mb()

    t0 = time.perf_counter()
    landed = 0
    for source in tenant.enabled_sources():
        load = land_connector(tenant.slug, source.connector, staged.for_connector(source.connector), ws)
        landed += load.rows
    land_s = time.perf_counter() - t0
    land_rss = peak_rss_mb()

    # baseline: the same staged Arrow tables inserted into a fresh DuckDB file with plain SQL
    t0 = time.perf_counter()
    con = duckdb.connect(str(out / "baseline.duckdb"))
    for (connector, name), obj in sorted(staged.objects.items()):
        schema = f"raw_{connector}"
        con.execute(f'create schema if not exists "{schema}"')
        for i, path in enumerate(obj.files):
            arrow_table = read_staged(path)  # noqa: F841 (read by DuckDB's replacement scan)
            if i == 0:
                con.execute(f'create table "{schema}"."{name}" as select * from arrow_table')
            else:
                con.execute(f'insert into "{schema}"."{name}" by name select * from arrow_table')
    con.close()
    base_s = time.perf_counter() - t0

    result = {
        "days": args.days,
        "rows": rows,
        "analytics_events": events,
        "generation_seconds": round(gen_s, 2),
        "generation_rows_per_s": round(rows / gen_s),
        "landing_seconds": round(land_s, 2),
        "landing_rows_per_s": round(landed / land_s),
        "baseline_insert_seconds": round(base_s, 2),
        "baseline_rows_per_s": round(rows / base_s),
        "landing_vs_plain_insert_ratio": round(base_s / land_s, 3),
        "peak_rss_mb_after_generation": round(gen_rss),
        "peak_rss_mb_after_landing": round(land_rss),
        "warehouse_mb": round(ws.warehouse_path(tenant.slug).stat().st_size / 2**20),
    }
    staged.cleanup()
    print(f"generate+land {args.days} days of {tenant.slug}: {rows:,} rows ({events:,} analytics events)")
    print(f"  generation : {gen_s:8.1f} s  {rows / gen_s:>10,.0f} rows/s   peak RSS {gen_rss:,.0f} MB")
    print(f"  landing    : {land_s:8.1f} s  {landed / land_s:>10,.0f} rows/s   peak RSS {land_rss:,.0f} MB")
    print(f"  plain DuckDB insert (baseline, same run): {base_s:.1f} s  {rows / base_s:,.0f} rows/s")
    print(f"  landing speed / plain insert speed = {base_s / land_s:.3f}  (goal >= 0.5)")
    (out / "result.json").write_text(json.dumps(result, indent=2))
    record(
        "bench_landing",
        f"landing throughput ({args.days} days, {rows:,} rows)",
        landed / land_s,
        "rows/s",
        "plain DuckDB insert of the same Arrow",
        rows / base_s,
        "ratio >= 0.5",
        base_s / land_s >= 0.5,
    )
    record("bench_landing", "generation throughput", rows / gen_s, "rows/s")
    scale = f"1 tenant x {args.days} days x {rows:,} rows"
    record("bench_landing", "landing (dlt into DuckDB)", land_s, "s", scale=scale)
    record("bench_landing", "peak RSS while landing", land_rss, "MB", scale=scale)
    return result


if __name__ == "__main__":
    main()
