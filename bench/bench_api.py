"""Benchmark of the semantic layer API on a tenant with >= 5M events (one year of bench_co).

For 10 representative queries: p50/p95 latency through the HTTP API (result cache off: compile cache on;
first call: cold compile), the same compiled SQL executed directly in DuckDB on the same snapshot in the
same run, and the API with its result cache; then throughput with 16 concurrent clients.

    uv run python bench/bench_api.py [--days 365] [--reuse] [--repeats 30]

Goals (issue 4): API p50 - direct p50 <= 15 ms uncached; cached p50 <= 3 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import httpx
from report import record

from gata.star.snapshot import current_version, snapshot_path
from gata.workspace import Workspace

HERE = Path(__file__).parent
GATA = str(Path(sys.executable).parent / "gata")
TENANT = "bench_co"
QUERIES = {
    "spend by platform": {
        "model": "ad_performance",
        "dimensions": ["source_platform"],
        "measures": ["spend", "clicks", "ctr", "cpc", "platform_roas"],
    },
    "spend by campaign, monthly": {
        "model": "ad_performance",
        "dimensions": ["campaign_name"],
        "measures": ["spend", "conversions"],
        "time_grain": "month",
    },
    "ads by campaign status (join)": {
        "model": "ad_performance",
        "dimensions": ["campaigns.campaign_status"],
        "measures": ["spend", "platform_cpa"],
    },
    "revenue last 30 days vs previous": {
        "model": "orders",
        "measures": ["revenue", "orders", "aov", "net_revenue"],
        "date_range": {"relative": "last_30_days"},
        "compare": "previous_period",
    },
    "orders weekly": {"model": "orders", "measures": ["orders", "revenue", "refunds"], "time_grain": "week"},
    "sessions by source, last 90 days": {
        "model": "sessions",
        "dimensions": ["traffic_source", "traffic_medium"],
        "measures": ["sessions", "users", "conversion_rate"],
        "date_range": {"relative": "last_90_days"},
    },
    "funnel by device": {
        "model": "sessions",
        "dimensions": ["device_category"],
        "measures": [
            "funnel_step_1",
            "funnel_step_2",
            "funnel_step_3",
            "funnel_step_4",
            "funnel_step_5",
            "funnel_step_5_rate",
        ],
    },
    "events by name, daily, last 7 days": {
        "model": "events",
        "dimensions": ["event_name"],
        "measures": ["events", "event_users"],
        "time_grain": "day",
        "date_range": {"relative": "last_7_days"},
    },
    "top countries by events (HAVING)": {
        "model": "events",
        "dimensions": ["geo_country"],
        "measures": ["events"],
        "filters": [{"field": "events", "op": "gt", "value": 10000}],
        "order_by": [{"field": "events", "direction": "desc"}],
        "limit": 10,
    },
    "blended ROAS by campaign": {
        "model": "blended",
        "dimensions": ["campaign_name"],
        "measures": ["spend", "revenue", "attributed_roas", "cac"],
    },
}


def run(*args: str) -> str:
    proc = subprocess.run([GATA, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-3000:] + proc.stderr[-3000:])
    return proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(ws: Workspace, result_cache: bool, gata: str = GATA) -> tuple[subprocess.Popen, str]:
    """`gata serve` on `ws` (`gata`: another checkout's executable, for a baseline of its code)."""
    port = free_port()
    env = {**os.environ, "GATA_WORKSPACE": str(ws.root), "GATA_RESULT_CACHE": str(result_cache).lower()}
    proc = subprocess.Popen(
        [gata, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def timed_ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def throughput(base: str, key: str, clients: int, seconds: float) -> tuple[float, int]:
    done, errors = [0], [0]
    stop = time.monotonic() + seconds
    bodies = list(QUERIES.values())

    def client(i: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as c:
            n = i
            while time.monotonic() < stop:
                r = c.post(f"/semantic-layer/{TENANT}/query", json=bodies[n % len(bodies)])
                if r.status_code == 200:
                    done[0] += 1
                else:
                    errors[0] += 1
                n += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.monotonic() - started), errors[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--reuse", action="store_true", help="Reuse bench/out/api_ws if it holds the tenant.")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    ws = Workspace.resolve(HERE / "out" / "api_ws")
    if not (args.reuse and current_version(ws, TENANT)):
        started = time.perf_counter()
        run(
            "onboard",
            TENANT,
            "--config",
            str(HERE / "tenants_bench.yaml"),
            "--days",
            str(args.days),
            "--workspace",
            str(ws.root),
        )
        print(f"onboarded {TENANT} ({args.days} days) in {time.perf_counter() - started:.1f} s")
    key = (
        run("keys", "create", TENANT, "--config", str(HERE / "tenants_bench.yaml"), "--workspace", str(ws.root))
        .strip()
        .splitlines()[-1]
    )
    snap = snapshot_path(ws, TENANT, current_version(ws, TENANT))
    direct = duckdb.connect(str(snap), read_only=True, config={"threads": 2, "memory_limit": "1GB"})
    events = direct.execute(f'select count(*) from "fct_{TENANT}__events"').fetchone()[0]
    print(f"snapshot {snap.name}: {events:,} events")

    results: dict[str, dict] = {}
    uncached, base = serve(ws, result_cache=False)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
            for name, body in QUERIES.items():
                first = timed_ms(lambda b=body: c.post(f"/semantic-layer/{TENANT}/query", json=b))
                r = c.post(f"/semantic-layer/{TENANT}/query", json=body)
                assert r.status_code == 200, r.text
                sql, rows = r.json()["sql"], r.json()["row_count"]
                api = [
                    timed_ms(lambda b=body: c.post(f"/semantic-layer/{TENANT}/query", json=b).raise_for_status())
                    for _ in range(args.repeats)
                ]
                raw = [timed_ms(lambda s=sql: direct.execute(s).to_arrow_table()) for _ in range(args.repeats)]
                results[name] = {"rows": rows, "cold_ms": first, "api": api, "direct": raw}
        tp_uncached = throughput(base, key, args.clients, args.seconds)
    finally:
        uncached.terminate()
    cached, base = serve(ws, result_cache=True)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
            for name, body in QUERIES.items():
                c.post(f"/semantic-layer/{TENANT}/query", json=body).raise_for_status()
                results[name]["cached"] = [
                    timed_ms(lambda b=body: c.post(f"/semantic-layer/{TENANT}/query", json=b).raise_for_status())
                    for _ in range(args.repeats)
                ]
        tp_cached = throughput(base, key, args.clients, args.seconds)
    finally:
        cached.terminate()

    print(
        f"\n{'query':36} {'rows':>5} {'cold':>7} {'direct p50/p95':>16} {'API p50/p95':>16} {'+p50':>7} "
        f"{'cached p50/p95':>15}"
    )
    overheads, cached_p50 = [], []
    summary = {}
    for name, r in results.items():
        d50, d95 = statistics.median(r["direct"]), pct(r["direct"], 0.95)
        a50, a95 = statistics.median(r["api"]), pct(r["api"], 0.95)
        c50, c95 = statistics.median(r["cached"]), pct(r["cached"], 0.95)
        overheads.append(a50 - d50)
        cached_p50.append(c50)
        summary[name] = {
            "rows": r["rows"],
            "cold_ms": r["cold_ms"],
            "direct_p50": d50,
            "direct_p95": d95,
            "api_p50": a50,
            "api_p95": a95,
            "cached_p50": c50,
            "cached_p95": c95,
        }
        print(
            f"{name:36} {r['rows']:>5} {r['cold_ms']:>6.1f} {d50:>7.1f}/{d95:<8.1f} {a50:>7.1f}/{a95:<8.1f} "
            f"{a50 - d50:>+7.1f} {c50:>6.2f}/{c95:<8.2f}"
        )
    print(
        f"\nAPI overhead p50 (uncached) median over queries: {statistics.median(overheads):+.1f} ms, "
        f"max {max(overheads):+.1f} ms (goal <= +15 ms)"
    )
    print(f"cached p50 median {statistics.median(cached_p50):.2f} ms, max {max(cached_p50):.2f} ms (goal <= 3 ms)")
    print(
        f"throughput, {args.clients} clients: uncached {tp_uncached[0]:.1f} req/s ({tp_uncached[1]} errors), "
        f"cached {tp_cached[0]:.1f} req/s ({tp_cached[1]} errors)"
    )
    direct, api = (
        statistics.median(s["direct_p50"] for s in summary.values()),
        statistics.median(s["api_p50"] for s in summary.values()),
    )
    record(
        "bench_api",
        "query p50 through the API, uncached (median of queries)",
        api,
        "ms",
        "the same SQL directly in DuckDB",
        direct,
        "overhead <= +15 ms",
        statistics.median(overheads) <= 15,
    )
    record(
        "bench_api",
        "query p50 with the result cache (median of queries)",
        statistics.median(cached_p50),
        "ms",
        "uncached through the API",
        api,
        "<= 3 ms",
        statistics.median(cached_p50) <= 3,
    )
    record(
        "bench_api",
        f"throughput, {args.clients} clients, cached",
        tp_cached[0],
        "req/s",
        "uncached",
        tp_uncached[0],
    )
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "bench_api.json").write_text(
        json.dumps(
            {"events": events, "queries": summary, "throughput": {"uncached": tp_uncached, "cached": tp_cached}},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
