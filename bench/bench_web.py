"""Benchmark of the web app: dashboard load to every chart drawn, in Debian's Chromium (headless).

One demo tenant onboarded for --days; a user; the service with its result cache off (every load runs its
twelve queries for real) and on. Each load is a fresh navigation to /app/<tenant>?range=...; the time is
from navigation start to the page marking itself ready (KPIs, five charts and the table drawn). Baseline
measured in the same run: the same twelve queries sent one after another over HTTP with an API key.

    uv run python bench/bench_web.py [--days 90] [--reuse] [--repeats 10]

Goal (issue 7): dashboard load to all charts rendered <= 2 s on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from bench_api import HERE, pct, run, serve
from playwright.sync_api import sync_playwright
from report import record

from gata.star.snapshot import current_version
from gata.workspace import Workspace

TENANT = "tyrell_corp"
USER, PASSWORD = "bench-user", "bench-password-1"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
RANGES = ["last_30_days", "last_90_days", "last_7_days", "this_month", "last_month"]


def dashboard_queries(tenant: str, base: str, key: str, date_range: dict) -> list[dict]:
    """The dashboard's twelve queries (see src/gata/web/static/js), for the HTTP baseline."""
    kpi = [
        ("ad_performance", ["spend", "platform_cpa"]),
        ("orders", ["revenue", "orders", "aov"]),
        ("sessions", ["sessions", "conversion_rate"]),
        ("blended", ["attributed_roas"]),
    ]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as c:
        steps = [
            m["name"]
            for m in c.get(f"/semantic-layer/{tenant}/models/sessions").json()["measures"]
            if m["name"].startswith("funnel_step_") and not m["name"].endswith("_rate")
        ]
    dr = {"date_range": date_range}
    top = {"order_by": [{"field": "spend", "direction": "desc"}], "limit": 10}
    return [
        *({"model": m, "measures": ms, "compare": "previous_period", **dr} for m, ms in kpi),
        {
            "model": "ad_performance",
            "dimensions": ["source_platform"],
            "measures": ["spend"],
            "time_grain": "day",
            **dr,
        },
        {"model": "orders", "measures": ["revenue"], "time_grain": "day", **dr},
        {
            "model": "blended",
            "dimensions": ["source_platform"],
            "measures": ["spend", "revenue", "attributed_roas"],
            **dr,
        },
        {"model": "sessions", "measures": ["sessions", *steps], **dr},
        {"model": "sessions", "dimensions": ["traffic_source", "traffic_medium"], "measures": ["sessions"], **dr},
        {"model": "sessions", "dimensions": ["device_category"], "measures": ["sessions"], **dr},
        {
            "model": "ad_performance",
            "dimensions": ["source_platform", "campaign_name"],
            "measures": ["spend", "clicks", "ctr", "cpc", "conversions"],
            **dr,
            **top,
        },
        {
            "model": "blended",
            "dimensions": ["source_platform", "campaign_name"],
            "measures": ["revenue", "attributed_roas"],
            **dr,
        },
    ]


def http_baseline_ms(base: str, key: str, bodies: list[dict]) -> float:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as c:
        started = time.perf_counter()
        for body in bodies:
            assert c.post(f"/semantic-layer/{TENANT}/query", json=body).status_code == 200
        return (time.perf_counter() - started) * 1000


def signed_in_page(pw, base: str):
    """Debian's Chromium, signed in as the bench user (the sign-in lands on the tenant's dashboard)."""
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/login")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    return browser, page


def page_loads_ms(base: str, repeats: int) -> list[float]:
    with sync_playwright() as pw:
        browser, page = signed_in_page(pw, base)
        page.wait_for_selector('#dashboard[data-state="ready"]', timeout=60_000)
        times = []
        for i in range(repeats):
            page.goto(f"/app/{TENANT}?range={RANGES[i % len(RANGES)]}")
            page.wait_for_selector('#dashboard[data-state="ready"]', timeout=60_000)
            times.append(page.evaluate("performance.now()"))  # ms since this navigation started
        browser.close()
        return times


def prepare(name: str, days: int, reuse: bool) -> Workspace:
    """bench/out/<name> with TENANT onboarded for `days` (kept with `reuse`) and the bench user."""
    ws = Workspace.resolve(HERE / "out" / name)
    if not (reuse and current_version(ws, TENANT)):
        started = time.perf_counter()
        run("onboard", TENANT, "--days", str(days), "--workspace", str(ws.root))
        print(f"onboarded {TENANT} ({days} days) in {time.perf_counter() - started:.1f} s")
    from gata.web.users import UserStore

    if UserStore(ws).get(USER) is None:
        UserStore(ws).create(USER, PASSWORD, TENANT)
    return ws


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--reuse", action="store_true", help="Reuse bench/out/web_ws if it holds the tenant.")
    args = ap.parse_args()
    ws = prepare("web_ws", args.days, args.reuse)
    key = run("keys", "create", TENANT, "--workspace", str(ws.root)).strip().splitlines()[-1]
    for cache in (False, True):
        proc, base = serve(ws, result_cache=cache)
        try:
            bodies = dashboard_queries(TENANT, base, key, {"relative": "last_30_days"})
            baseline = statistics.median(http_baseline_ms(base, key, bodies) for _ in range(3))
            loads = page_loads_ms(base, args.repeats)
            p50, p95 = statistics.median(loads), pct(loads, 0.95)
            print(
                f"result cache {'on ' if cache else 'off'}: dashboard load to all charts drawn p50 {p50:.0f} ms, "
                f"p95 {p95:.0f} ms ({len(loads)} loads); the {len(bodies)} queries one by one over HTTP "
                f"{baseline:.0f} ms; ratio {p50 / baseline:.2f}; goal <= 2000 ms: {'met' if p95 <= 2000 else 'NOT met'}"
            )
            record(
                "bench_web",
                f"dashboard load to all charts drawn, p50 (result cache {'on' if cache else 'off'}; p95 {p95:.0f} ms)",
                p50,
                "ms",
                "its queries one by one over HTTP",
                baseline,
                "p95 <= 2000 ms",
                p95 <= 2000,
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
