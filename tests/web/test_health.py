"""Pipeline health in real Chromium: what the page shows is what /observability/{tenant}/... answers."""

from __future__ import annotations

import web_fixtures
from web_fixtures import PHONE, drawn_pixels, open_from_dashboard, user_of

web, browser = web_fixtures.web, web_fixtures.browser
session, open_session = web_fixtures.session, web_fixtures.open_session

TENANT = "tyrell_corp"


def open_health(s, tenant: str = TENANT):
    return open_from_dashboard(s, tenant, "Pipeline health", "health", '#health[data-state="ready"]')


def api(web, path: str):
    with web.client(TENANT) as client:
        r = client.get(f"/observability/{TENANT}/{path}")
        assert r.status_code == 200, r.text
        return r.json()


def test_health_page_shows_the_observability_api(session, web):
    page = open_health(session)
    summary = api(web, "summary")
    assert page.locator("#status-badge").inner_text() == summary["status"] == "success"
    assert page.locator('[data-fact="data_through"]').inner_text() == summary["freshness"]["data_through"]
    counts = summary["latest_run_counts"]
    assert page.locator('[data-fact="models"]').inner_text() == (
        f"{counts['models_succeeded']} built, {counts['models_failed']} failed"
    )
    assert page.locator('[data-fact="tests"]').inner_text().startswith(f"{counts['tests_passed']} passed")
    assert page.locator('[data-fact="readiness"]').inner_text() == "6 of 6"
    assert page.locator("#last-good").is_hidden()
    runs = api(web, "runs?limit=20")
    rows = page.locator("#runs tbody tr")
    assert rows.count() == len(runs) > 0
    assert rows.nth(0).locator("td").nth(0).inner_text() == runs[0]["kind"]
    assert rows.nth(0).locator("td").nth(1).inner_text() == runs[0]["status"]
    failing = api(web, "tests?status=fail")
    if failing:
        assert page.locator("#tests tbody tr").count() == len(failing)
    else:
        assert page.locator('[data-part="tests"] [data-role="empty"]').inner_text() == "No failing tests."
    drift = api(web, "drift")
    if drift:
        assert page.locator("#drift tbody tr").count() == len(drift)
    else:
        assert page.locator('[data-part="drift"] [data-role="empty"]').inner_text().startswith("No schema drift")
    identity = api(web, "identity-resolution")
    assert page.locator("#identity-text").inner_text().startswith(f"{identity['people']:,} people")
    for chart in ("steps", "identity"):
        assert page.locator(f'[data-chart="{chart}"]').get_attribute("data-state") == "ready"
        assert drawn_pixels(page, chart) > 1000, chart
    session.screenshot("health-1280")


def test_freshness_per_source_and_models_of_the_last_run(session, web):
    page = open_health(session)
    sources = api(web, "freshness")
    rows = page.locator("#sources tbody tr")
    assert rows.count() == len(sources) > 0
    for i, s in enumerate(sources):
        tr = rows.nth(i)
        assert tr.locator("th").get_attribute("data-value") == s["connector"]
        cells = tr.locator("td")
        assert cells.nth(0).inner_text() == s["last_loaded_at"].replace("T", " ")[:19]
        assert cells.nth(1).inner_text() == s["data_through"]
        assert abs(float(cells.nth(2).get_attribute("data-value")) - s["hours_since_load"]) < 0.05
        assert cells.nth(3).inner_text() == f"{s['last_load_rows']:,}"
        assert cells.nth(4).inner_text() == str(len(s["objects"]))
        assert cells.nth(5).inner_text() == s["mode"] == "simulated" and cells.nth(6).inner_text() == ""
    # one load, one relative time: the newest source load's "ago" is the same in the facts and in the table
    newest = max(sources, key=lambda s: s["last_loaded_at"])
    cell = rows.nth(sources.index(newest)).locator("td").nth(2).inner_text()
    assert cell.endswith(" ago") and page.locator('[data-fact="last_loaded_at"]').inner_text().endswith(f"({cell})")
    run = api(web, "runs/latest/models")
    rows = page.locator("#models tbody tr")
    assert rows.count() == len(run["models"]) > 6
    for i in (0, 1, len(run["models"]) - 1):
        m, tr = run["models"][i], rows.nth(i)
        assert tr.locator("th").inner_text() == m["name"]
        assert tr.locator("td").nth(1).inner_text() == m["status"]
        assert tr.locator("td").nth(2).inner_text() == f"{m['execution_time']:.2f}"
    started = run["started_at"].replace("T", " ")[:19]
    summary = page.locator("#models-summary").inner_text()
    assert summary.startswith(f"{run['kind']} run of {started} UTC: {len(run['models'])} models, 0 failed")


def test_lineage_follows_the_chosen_table(session, web):
    page = open_health(session)
    layers = [s["layer"] for s in api(web, "lineage?table=ad_performance")["steps"]]
    assert page.locator("#lineage > li").evaluate_all("els => els.map(e => e.dataset.layer)") == layers
    page.select_option("#lineage-table", "orders")
    page.click("#lineage-form button[type=submit]")
    page.wait_for_selector('[data-part="lineage"][data-state="ready"]')
    lineage = api(web, "lineage?table=orders")
    assert page.locator("#lineage-description").inner_text().startswith(lineage["table"])
    landed = next(s for s in lineage["steps"] if s["layer"] == "landed")["relations"][0]
    shown = page.locator('#lineage > li[data-layer="landed"] li').first.inner_text()
    assert shown.startswith(landed["node"].split(".", 2)[2]) and f"{landed['rows']:,} rows" in shown


def test_another_tenants_health_is_not_found(session):
    session.sign_in(user_of(TENANT))
    assert session.page.goto("/app/stark_industries/health").status == 404


def test_health_fits_a_phone(open_session):
    s = open_session(PHONE)
    page = open_health(s)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    s.screenshot("health-390")
