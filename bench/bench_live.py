"""Benchmark: a live pull from the API simulators vs simulated mode, same tenant, same days, same run.

Lands bench/tenants_live.yaml's tenant (the seven ad platforms) for 365 days twice: in simulated mode,
and in live mode from `gata simulate-apis` running as its own process (so client and server do not share a
GIL). Prints both times, the speed ratio (simulated seconds / live seconds, goal >= 0.5), the rows (which
must be equal), and the requests per second the clients sustained, also with small pages (page_size 25).

    uv run python bench/bench_live.py [--days 365]
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import yaml
from report import record

from gata.config import load_config
from gata.connectors.simulator.server import free_port
from gata.ingest.run import generate_tenant, land_pending
from gata.simulation.world import build_world
from gata.workspace import Workspace

HERE = Path(__file__).parent
TENANT = "bench_live"
TOKEN = "bench-live-token"
PREFIX = {
    "facebook_ads": "meta",
    "instagram_ads": "meta",
    "tiktok_ads": "tiktok",
    "google_ads": "google",
    "linkedin_ads": "linkedin",
    "bing_ads": "bing",
    "amazon_ads": "amazon",
}
OAUTH = ("google_ads", "bing_ads", "amazon_ads")


def start_simulator(config: Path, end: date, port: int) -> subprocess.Popen:
    gata = str(Path(sys.executable).parent / "gata")
    args = [gata, "simulate-apis", "--port", str(port), "--as-of", end.isoformat(), "--token", TOKEN]
    proc = subprocess.Popen([*args, "--config", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_simulator/accounts", timeout=2).raise_for_status()
            return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the simulator did not start: " + proc.stderr.read().decode()[-2000:])


def live_config(out: Path, config: Path, port: int, page_size: int) -> Path:
    raw = yaml.safe_load(config.read_text())
    tenant = copy.deepcopy(raw["tenants"][0])
    world = build_world(load_config(config).tenant(TENANT))
    for connector, source in tenant["sources"].items():
        if connector not in PREFIX:
            continue  # the shop stays simulated
        base = f"http://127.0.0.1:{port}/{PREFIX[connector]}"
        options = {"base_url": base, "page_size": page_size, "poll_interval_seconds": 0.05}
        if connector in OAUTH:
            options["auth_url"] = f"{base}/token"
        source.update({"mode": "live", "accounts": [world.ad_account(connector).account_id], "options": options})
    path = out / f"tenants_live_{page_size}.yaml"
    path.write_text(yaml.safe_dump({"tenants": [tenant]}, sort_keys=False))
    return path


def timed_ingest(config: Path, ws: Workspace, days: int, end: date) -> tuple[float, float, int]:
    """Seconds of the whole ingest and of its pull (generate and stage: for live sources, the API calls)."""
    t0 = time.perf_counter()
    pending = generate_tenant(load_config(config), TENANT, ws, days=days, end_date=end)
    pulled = time.perf_counter() - t0
    run = land_pending(pending, ws)
    return time.perf_counter() - t0, pulled, run.rows


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--config", default=str(HERE / "tenants_live.yaml"))
    ap.add_argument("--end-date", default="2025-12-31")
    ap.add_argument("--out", default=str(HERE / "out" / "live"))
    args = ap.parse_args()
    out, config, end = Path(args.out), Path(args.config), date.fromisoformat(args.end_date)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for connector in PREFIX:
        for name, value in {
            "access_token": TOKEN,
            "refresh_token": TOKEN,
            "developer_token": "d",
            "client_id": "c",
            "client_secret": "s",
        }.items():
            os.environ[f"SOURCES__{TENANT}__{connector}__{name}".upper()] = value

    sim_s, _, sim_rows = timed_ingest(config, Workspace.resolve(out / "simulated"), args.days, end)
    port = free_port()
    proc = start_simulator(config, end, port)
    try:
        live_s, live_pull_s, live_rows = timed_ingest(
            live_config(out, config, port, 500), Workspace.resolve(out / "live"), args.days, end
        )
        sent = len(httpx.get(f"http://127.0.0.1:{port}/_simulator/requests", timeout=60).json())
        httpx.delete(f"http://127.0.0.1:{port}/_simulator/requests", timeout=60)
        small_s, small_pull_s, _ = timed_ingest(
            live_config(out, config, port, 25), Workspace.resolve(out / "small"), args.days, end
        )
        small_sent = len(httpx.get(f"http://127.0.0.1:{port}/_simulator/requests", timeout=60).json())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if live_rows != sim_rows:
        sys.exit(f"live mode landed {live_rows:,} rows, simulated mode {sim_rows:,}")
    result = {
        "days": args.days,
        "rows": sim_rows,
        "simulated_seconds": round(sim_s, 2),
        "live_seconds": round(live_s, 2),
        "speed_ratio_live_vs_simulated": round(sim_s / live_s, 3),
        "requests": sent,
        "requests_per_s": round(sent / live_s, 1),
        "requests_page_size_25": small_sent,
        "requests_per_s_page_size_25": round(small_sent / small_s, 1),
        "requests_per_s_page_size_25_pull_only": round(small_sent / small_pull_s, 1),
        "live_pull_seconds": round(live_pull_s, 2),
    }
    print(f"{TENANT}: {args.days} days, {sim_rows:,} rows landed in each mode")
    print(f"  simulated mode : {sim_s:8.1f} s  {sim_rows / sim_s:>10,.0f} rows/s")
    print(
        f"  live from the simulators: {live_s:8.1f} s  {sim_rows / live_s:>10,.0f} rows/s  ({sent:,} requests, "
        f"{sent / live_s:,.1f}/s)"
    )
    print(f"  live speed / simulated speed = {sim_s / live_s:.3f}  (goal >= 0.5)")
    print(
        f"  with page_size 25: {small_sent:,} requests in {small_s:.1f} s = {small_sent / small_s:,.1f} requests/s; "
        f"the pull alone {small_pull_s:.1f} s = {small_sent / small_pull_s:,.1f} requests/s"
    )
    record(
        "bench_live",
        f"live pull from the simulators ({args.days} days, {sim_rows:,} rows)",
        sim_rows / live_s,
        "rows/s",
        "simulated mode, same tenant and days",
        sim_rows / sim_s,
        "ratio >= 0.5",
        sim_s / live_s >= 0.5,
    )
    record(
        "bench_live",
        "requests sustained by the live clients (page_size 25, pull only)",
        small_sent / small_pull_s,
        "requests/s",
    )
    return result


if __name__ == "__main__":
    main()
