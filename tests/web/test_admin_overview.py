"""The admins' overview of every tenant, over the served demo: GET /tenants/overview answers, per tenant, what
that tenant's own API answers (its runs, summary and semantic-layer queries over the same days); a tenant that
is configured but never ran, one whose run failed and one offboarded show as such; only admins reach it; the
page in real Chromium shows the API's figures, links to each tenant's pages and follows the period picked."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import web_fixtures
from web_fixtures import ADMIN, DESKTOP, Session, user_of

from conftest import DEMO
from gata.config.loader import load_catalog
from gata.config.writer import add_tenant

web, browser = web_fixtures.web, web_fixtures.browser
session = web_fixtures.session

NEVER = "overview_never_co"  # configured, never onboarded
FAILING = "overview_fail_co"  # its onboarding fails for real at the configure step


def overview(web, **params) -> dict:
    with web.client("admin") as client:
        r = client.get("/tenants/overview", params=params)
        assert r.status_code == 200, r.text
        return r.json()


def own(web, tenant: str, path: str, body: dict | None = None) -> dict:
    """An answer of the tenant's own API, with the tenant's own key."""
    with web.client(tenant) as client:
        r = client.post(path, json=body) if body is not None else client.get(path)
        assert r.status_code == 200, r.text
        return r.json()


def figure(web, tenant: str, model: str, measure: str, start: str, end: str) -> float:
    query = {"model": model, "measures": [measure], "date_range": {"start": start, "end": end}}
    return own(web, tenant, f"/semantic-layer/{tenant}/query", query)["rows"][0][measure]


def test_each_row_is_what_the_tenants_own_api_answers(web):
    answer = overview(web)
    today = datetime.now(UTC).date()
    assert (answer["start"], answer["end"]) == (str(today - timedelta(days=30)), str(today - timedelta(days=1)))
    rows = {t["slug"]: t for t in answer["tenants"]}
    assert set(DEMO) <= set(rows)
    for tenant in DEMO:
        row = rows[tenant]
        summary = own(web, tenant, f"/observability/{tenant}/summary")
        last = own(web, tenant, f"/observability/{tenant}/runs?limit=1")[0]
        assert row["status"] == "ok" and summary["status"] == "success" and row["served"]
        assert row["last_run"] == {k: last[k] for k in ("run_id", "kind", "status", "started_at", "finished_at")}
        counts = summary["latest_run_counts"]
        assert row["failing_tests"] == counts["tests_failed"] + counts["tests_errored"]
        assert row["data_through"] == summary["freshness"]["data_through"] is not None
        assert row["last_loaded_at"] == summary["freshness"]["last_loaded_at"]
        assert 0 <= row["hours_since_load"] < 24 * 7
        spend = figure(web, tenant, "ad_performance", "spend", answer["start"], answer["end"])
        revenue = figure(web, tenant, "orders", "revenue", answer["start"], answer["end"])
        assert (row["spend"], row["revenue"]) == (spend, revenue)
        assert spend > 0 and revenue > 0 and row["currency"]
        assert row["error"] is None
    # another period: the same figures as the tenant's own queries over those days, and not the 30 days'
    start, end = str(today - timedelta(days=7)), str(today - timedelta(days=1))
    week = {t["slug"]: t for t in overview(web, start=start, end=end)["tenants"]}
    for tenant in DEMO:
        assert week[tenant]["spend"] == figure(web, tenant, "ad_performance", "spend", start, end)
        assert week[tenant]["revenue"] == figure(web, tenant, "orders", "revenue", start, end)
        assert week[tenant]["spend"] < rows[tenant]["spend"]
    with web.client("admin") as client:
        bad = client.get("/tenants/overview", params={"start": end, "end": start})
        assert bad.status_code == 400 and "before" in bad.json()["detail"]
        assert client.get("/tenants/overview", params={"relative": "last_fortnight"}).status_code == 400


def wait_for_failed_job(web, job_id: str) -> None:
    with web.client("admin") as client:
        deadline = time.monotonic() + 300
        while client.get(f"/onboarding/jobs/{job_id}").json()["status"] != "failed":
            assert time.monotonic() < deadline, "the onboarding job did not fail in time"
            time.sleep(0.5)


def test_never_run_failing_and_offboarded_tenants(web):
    tenants_file = web.ws.root / "tenants.yaml"
    before = tenants_file.read_bytes()
    add_tenant(tenants_file, {"slug": NEVER, "name": "Never Co", "sources": {"shopify": {}}}, load_catalog())
    obstacle = web.ws.tenant_dir(FAILING) / "dbt"
    obstacle.parent.mkdir(parents=True, exist_ok=True)
    obstacle.write_text("in the way")
    try:
        with web.client("admin") as client:
            body = {"tenant": {"slug": FAILING, "name": "Fail Co", "sources": {"bing_ads": {}}}, "days": 2}
            r = client.post("/onboarding/jobs", json=body)
            assert r.status_code == 202, r.text
        wait_for_failed_job(web, r.json()["id"])
        rows = {t["slug"]: t for t in overview(web)["tenants"]}
        never = rows[NEVER]
        assert never["status"] == "never run" and not never["served"] and never["last_run"] is None
        assert never["spend"] is None and never["failing_tests"] is None
        failing = rows[FAILING]
        summary = own(web, "admin", f"/observability/{FAILING}/summary")
        assert failing["status"] == "failing" and summary["status"] == "failed"
        assert failing["last_run"]["run_id"] == summary["last_run"]["run_id"]
        assert failing["served"] and failing["spend"] is None  # health only: its first build failed
        with web.client("admin") as client:
            r = client.post(f"/tenants/{FAILING}/offboard", json={"confirm": FAILING, "data": "delete"})
            assert r.status_code == 200, r.text
        gone = {t["slug"]: t for t in overview(web)["tenants"]}[FAILING]
        assert gone["status"] == "offboarded" and not gone["served"] and gone["last_run"] is None
    finally:
        obstacle.unlink(missing_ok=True)
        with web.client("admin") as client:  # the served demo is left as it was
            status = {t["slug"]: t["status"] for t in client.get("/tenants").json()}.get(FAILING)
            if status not in (None, "offboarded"):
                client.post(f"/tenants/{FAILING}/offboard", json={"confirm": FAILING, "data": "delete"})
            if status is not None:
                assert client.post(f"/tenants/{FAILING}/purge", json={"confirm": FAILING}).status_code == 200
        tenants_file.write_bytes(before)  # offboarding took FAILING out of it; NEVER goes with this
    assert {NEVER, FAILING}.isdisjoint(t["slug"] for t in overview(web)["tenants"])


def test_only_admins_reach_the_overview(browser, web):
    with web.client(DEMO[0]) as client:
        r = client.get("/tenants/overview")
        assert r.status_code == 403 and r.json()["detail"] == "only an admin can see every tenant's overview"
    with web.client() as anonymous:
        assert anonymous.get("/tenants/overview").status_code == 401
    s = Session(browser, web.base, DESKTOP)
    try:
        page = s.sign_in(user_of(DEMO[0]), path="/admin/overview")
        assert page.locator("h1").inner_text() == "Not found"
        assert page.locator('a[href="/admin/overview"]').count() == 0
        assert s.fetch("GET", "/tenants/overview")["status"] == 403
    finally:
        s.close()


def test_the_page_shows_the_apis_figures_and_links_to_each_tenant(session, web):
    page = session.sign_in(ADMIN, path="/app")
    page.click('header a[href="/admin/overview"]')
    page.wait_for_url("**/admin/overview")
    page.wait_for_selector('#overview[data-state="ready"]')
    answer = overview(web)
    rows = page.locator("#overview-table tbody tr")
    assert rows.count() == len(answer["tenants"])
    assert page.locator("#overview-period-text").inner_text().startswith(f"{answer['start']} to {answer['end']}")
    for t in answer["tenants"]:
        row = page.locator(f'#overview-table tbody tr[data-slug="{t["slug"]}"]')
        assert row.locator("th").inner_text() == t["slug"]
        assert row.locator('[data-col="status"]').inner_text() == t["status"]
        assert float(row.locator('[data-col="spend"]').get_attribute("data-value")) == t["spend"]
        assert float(row.locator('[data-col="revenue"]').get_attribute("data-value")) == t["revenue"]
        assert row.locator('[data-col="spend"]').inner_text() not in ("", "–")
        assert row.locator('[data-col="failing_tests"]').inner_text() == str(t["failing_tests"])
        assert row.locator('[data-col="last_run"]').inner_text().startswith(f"{t['last_run']['status']}, ")
        assert row.locator('[data-col="freshness"]').inner_text().startswith(f"through {t['data_through']}")
        links = row.locator('[data-col="pages"] a')
        hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
        assert hrefs == [f"/app/{t['slug']}", f"/app/{t['slug']}/health"]
    session.screenshot("admin-overview-1280")
    # another period, by keyboard: the table is asked again and holds that period's figures
    page.focus("#overview-range")
    page.select_option("#overview-range", "last_7_days")
    page.wait_for_url("**/admin/overview?range=last_7_days")
    week = {t["slug"]: t for t in overview(web, relative="last_7_days")["tenants"]}
    tenant = DEMO[0]
    spend = page.locator(f'tr[data-slug="{tenant}"] [data-col="spend"]')
    page.wait_for_function(
        "([sel, v]) => document.querySelector(sel)?.dataset.value === String(v)",
        arg=[f'tr[data-slug="{tenant}"] [data-col="spend"]', week[tenant]["spend"]],
    )
    assert float(spend.get_attribute("data-value")) == week[tenant]["spend"]
    # the tenant's health page is one Tab and Enter away from its row
    page.focus(f'tr[data-slug="{tenant}"] [data-col="pages"] a >> nth=0')
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/app/{tenant}/health")
