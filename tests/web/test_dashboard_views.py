"""The dashboard's analyst views in real Chromium against the served demo: the previous period drawn dashed on
the trend chart, the sortable campaign table with its changes and its way into the explorer, the funnel's step
shares, a default period that fits the tenant's data, the range kept from page to page, and loading skeletons
while the queries run. Every figure is checked against the API's own answer."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import web_fixtures
from web_fixtures import ADMIN, DESKTOP, Session, create_user, user_of

from conftest import GATA, built_once, start_server
from gata.workspace import Workspace

web, browser = web_fixtures.web, web_fixtures.browser
session, open_session = web_fixtures.session, web_fixtures.open_session

TENANT = "tyrell_corp"
CHARTS = ["spend-revenue", "platforms", "funnel", "sources", "devices"]


def open_dashboard(s, query: str = "range=last_7_days", tenant: str = TENANT, user: str | None = None):
    page = s.sign_in(user or user_of(tenant), path=f"/app/{tenant}" + (f"?{query}" if query else ""))
    page.wait_for_selector('#dashboard[data-state="ready"]')
    return page


def api(web, body: dict, tenant: str = TENANT) -> dict:
    with web.client(tenant) as client:
        r = client.post(f"/semantic-layer/{tenant}/query", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def days_of(start: str, end: str) -> list[str]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def shown_day(iso: str) -> str:
    """A day as the page writes it (en-US): 'Nov 14, 2026'."""
    d = date.fromisoformat(iso)
    return f"{d:%b} {d.day}, {d.year}"


def chart_data(page, chart: str) -> dict:
    """The Chart.js instance drawn on a card, read through the page's own Chart.js module (its import map)."""
    return page.evaluate(
        """async (id) => {
            const { Chart } = await import("chart.js");
            const chart = Chart.getChart(document.getElementById(`chart-${id}`));
            return {
                labels: chart.data.labels,
                datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data, dash: d.borderDash ?? [],
                                                            days: d.days ?? null, type: d.type })),
                legend: chart.legend.legendItems.map((i) => ({ text: i.text, dash: i.lineDash ?? [] })),
            };
        }""",
        chart,
    )


def first_day_of_data(web, tenant: str = TENANT) -> str:
    """The first day any of spend, orders and sessions has a row, from the API."""
    firsts = []
    for model, day in (("ad_performance", "report_date"), ("orders", "order_date"), ("sessions", "session_date")):
        body = {"model": model, "dimensions": [day], "order_by": [{"field": day, "direction": "asc"}], "limit": 1}
        firsts.append(api(web, body, tenant)["rows"][0][day])
    return min(firsts)


# 1. the previous period, dashed, day by day


@pytest.mark.parametrize("relative", ["last_7_days", "this_month"])  # asked with its period, and after it
def test_the_previous_period_is_a_dashed_line_aligned_day_by_day(session, web, relative):
    page = open_dashboard(session, query=f"range={relative}")
    drawn = chart_data(page, "spend-revenue")
    resolved = api(web, {"model": "orders", "measures": ["revenue"], "date_range": {"relative": relative}})
    current = days_of(resolved["date_range"]["start"], resolved["date_range"]["end"])
    first = date.fromisoformat(current[0])
    before = days_of((first - timedelta(days=len(current))).isoformat(), (first - timedelta(days=1)).isoformat())
    assert len(drawn["labels"]) == len(current) == len(before)
    previous = {d["label"]: d for d in drawn["datasets"] if d["dash"]}
    assert set(previous) == {"Revenue, previous period", "Spend, previous period"}
    body = {"time_grain": "day", "date_range": {"start": before[0], "end": before[-1]}, "limit": 10000}
    orders = api(web, {"model": "orders", "measures": ["revenue"], **body})["rows"]
    ads = api(web, {"model": "ad_performance", "measures": ["spend"], **body})["rows"]
    revenue = {r["order_date"]: r["revenue"] for r in orders}
    spend = {r["report_date"]: r["spend"] for r in ads}
    assert revenue and spend
    # day i of the previous period is drawn on day i of this one
    assert previous["Revenue, previous period"]["days"] == previous["Spend, previous period"]["days"] == before
    assert previous["Revenue, previous period"]["data"] == pytest.approx([revenue.get(d) for d in before])
    assert previous["Spend, previous period"]["data"] == pytest.approx([spend.get(d, 0) for d in before])
    # the current period's revenue is the period's own, solid; the legend names both dashed lines, dashed
    body = {"model": "orders", "measures": ["revenue"], "time_grain": "day", "date_range": {"relative": relative}}
    now = {r["order_date"]: r["revenue"] for r in api(web, body)["rows"]}
    solid = [d for d in drawn["datasets"] if d["label"] == "Revenue (all orders)"][0]
    assert not solid["dash"] and solid["data"] == pytest.approx([now.get(d) for d in current])
    legend = {item["text"]: item["dash"] for item in drawn["legend"]}
    assert legend["Revenue, previous period"] and legend["Spend, previous period"]
    assert not legend["Revenue (all orders)"]
    session.screenshot(f"dashboard-previous-period-{relative}")


# 2. the campaign table: sorting, changes, click-through


# a row's cells by column (data-col): the raw value (data-value, null when empty) and the text shown
CELLS = """(tr) => Object.fromEntries([...tr.querySelectorAll("td[data-col]")].map((td) => [td.dataset.col,
    { value: td.dataset.value === "" ? null : Number(td.dataset.value), text: td.textContent }]))"""


def campaign_rows(page) -> list[dict]:
    """The campaign table as shown: each row's campaign, platform and cells."""
    return page.locator("#campaigns tbody tr").evaluate_all(
        f"""(trs) => trs.map((tr) => ({{
            campaign: tr.querySelector("th").textContent, platform: tr.cells[1].textContent, cells: ({CELLS})(tr),
        }}))"""
    )


def sorted_by(page) -> list[list[str]]:
    return page.locator("#campaigns thead th[aria-sort]").evaluate_all(
        "(ths) => ths.map((th) => [th.textContent.trim(), th.getAttribute('aria-sort')])"
    )


def test_the_campaign_table_sorts_by_any_column_by_mouse_and_keyboard(session):
    page = open_dashboard(session)
    heads = page.locator("#campaigns thead th")
    assert heads.count() == 13 and page.locator("#campaigns thead th button.sort").count() == 13
    assert sorted_by(page) == [["Spend", "descending"]]  # the API's order, said so
    spend = [r["cells"]["spend"]["value"] for r in campaign_rows(page)]
    assert spend == sorted(spend, reverse=True) and len(spend) > 3
    # keyboard: Tab from the Spend header's button to the next header's, Enter sorts by it (largest first)
    page.locator("#campaigns thead th button.sort", has_text="Spend").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Spend vs previous"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Clicks"
    page.keyboard.press("Enter")
    assert sorted_by(page) == [["Clicks", "descending"]]
    clicks = [r["cells"]["clicks"]["value"] for r in campaign_rows(page)]
    assert clicks == sorted(clicks, reverse=True)
    page.keyboard.press("Space")  # again: the other way round
    assert sorted_by(page) == [["Clicks", "ascending"]]
    assert [r["cells"]["clicks"]["value"] for r in campaign_rows(page)] == sorted(clicks)
    # every column sorts: a text column from A, a change column from the largest, empty changes last
    page.click("#campaigns thead th button.sort >> text=Campaign")
    assert sorted_by(page) == [["Campaign", "ascending"]]
    names = [r["campaign"] for r in campaign_rows(page)]
    assert names == page.evaluate("(n) => [...n].sort((a, b) => a.localeCompare(b))", names)
    page.click("#campaigns thead th button.sort >> text=ROAS vs previous")
    assert sorted_by(page) == [["ROAS vs previous", "descending"]]
    changes = [r["cells"]["attributed_roas_change"]["value"] for r in campaign_rows(page)]
    known = [c for c in changes if c is not None]
    assert changes == sorted(known, reverse=True) + [None] * (len(changes) - len(known))
    assert set(spend) == {r["cells"]["spend"]["value"] for r in campaign_rows(page)}  # same rows, reordered


def test_campaign_changes_are_the_apis_changes_on_the_previous_period(session, web):
    page = open_dashboard(session)
    period = {"relative": "last_7_days"}
    dims = ["source_platform", "campaign_name"]
    ads = api(
        web,
        {
            "model": "ad_performance",
            "dimensions": dims,
            "measures": ["spend"],
            "date_range": period,
            "compare": "previous_period",
            "order_by": [{"field": "spend", "direction": "desc"}],
            "limit": 10,
        },
    )
    blended = api(
        web,
        {
            "model": "blended",
            "dimensions": dims,
            "measures": ["revenue", "attributed_roas"],
            "date_range": period,
            "compare": "previous_period",
            "limit": 1000,
        },
    )
    attributed = {(r["source_platform"], r["campaign_name"]): r for r in blended["rows"]}
    # the platform as the table labels it ("Facebook Ads"), matched to its code case-insensitively
    shown = {(r["campaign"], r["platform"].lower()): r["cells"] for r in campaign_rows(page)}
    assert len(shown) == len(ads["rows"])
    checked = 0
    for row in ads["rows"]:
        cells = shown[(row["campaign_name"], row["source_platform"].replace("_", " "))]
        other = attributed.get((row["source_platform"], row["campaign_name"]), {})
        for col, pct in (
            ("spend_change", row["spend_pct_change"]),
            ("revenue_change", other.get("revenue_pct_change")),
            ("attributed_roas_change", other.get("attributed_roas_pct_change")),
        ):
            if pct is None:
                assert cells[col]["value"] is None and cells[col]["text"] == "–", col
                continue
            checked += 1
            assert cells[col]["value"] == pytest.approx(pct), col
            sign = "+" if pct > 0 else "−" if pct < 0 else ""
            assert cells[col]["text"].replace("-", "−") == f"{sign}{abs(pct) * 100:.1f}%", (col, cells[col])
    assert checked >= len(ads["rows"])  # at least the spend changes are all there


def test_a_campaign_row_opens_the_explorer_on_that_campaign_and_dates(session, web):
    page = open_dashboard(session)
    row = page.locator("#campaigns tbody tr").nth(1)
    campaign, platform = row.locator("th").inner_text(), row.locator("td").first.inner_text()
    row.locator('td[data-col="clicks"]').click()  # anywhere on the row
    page.wait_for_url("**/explore?q=**")
    page.wait_for_selector('#explorer[data-state="ready"]')
    q = json.loads(parse_qs(urlparse(page.url).query)["q"][0])
    assert q["date_range"] == {"relative": "last_7_days"} and q["model"] == "ad_performance"
    assert page.locator("#q-range").input_value() == "last_7_days"
    # the explorer shows that campaign's days, as the API answers the same query
    expected = api(web, q)["rows"]
    assert expected and {r["campaign_name"] for r in expected} == {campaign}
    shown = page.locator('#result tbody td[data-col="campaign_name"]').all_inner_texts()
    assert shown == [campaign] * len(expected)
    platforms = page.locator('#result tbody td[data-col="source_platform"]').all_inner_texts()
    assert {p.replace("_", " ") for p in platforms} == {platform}
    days = page.locator('#result tbody td[data-col="report_date"]').all_inner_texts()
    assert days == [r["report_date"] for r in expected]
    # and the link is a link: reachable by keyboard from the dashboard
    page.go_back()
    page.wait_for_selector('#dashboard[data-state="ready"]')
    link = page.locator("#campaigns tbody tr").first.locator("th a")
    assert "/explore?q=" in link.get_attribute("href")


# 3. the funnel's shares and drop-off


def test_funnel_steps_show_share_of_sessions_and_drop_off(session, web):
    page = open_dashboard(session)
    with web.client(TENANT) as client:
        steps = [
            m["name"]
            for m in client.get(f"/semantic-layer/{TENANT}/models/sessions").json()["measures"]
            if re.fullmatch(r"funnel_step_\d+", m["name"])
        ]
    body = {"model": "sessions", "measures": ["sessions", *steps], "date_range": {"relative": "last_7_days"}}
    row = api(web, body)["rows"][0]
    values = [row["sessions"], *[row[s] for s in steps]]
    assert len(values) == 6 and values[0] > 0
    shown = page.locator("#funnel-steps tbody tr").evaluate_all(f"(trs) => trs.map({CELLS})")
    assert page.locator("#funnel-steps").is_visible() and len(shown) == len(values)
    for i, (value, cells) in enumerate(zip(values, shown, strict=True)):
        assert cells["value"]["value"] == value
        of_first = value / values[0]
        assert cells["of-first"]["value"] == pytest.approx(of_first)
        assert cells["of-first"]["text"] == f"{of_first * 100:.2f}%"
        if i == 0:
            assert cells["lost"]["value"] is None and cells["lost"]["text"] == "–"
        else:
            lost = (values[i - 1] - value) / values[i - 1]
            assert cells["lost"]["value"] == pytest.approx(lost)
            assert cells["lost"]["text"].replace("-", "−") == f"{'−' if lost < 0 else ''}{abs(lost) * 100:.2f}%"
    assert page.locator("#funnel-steps tbody th").first.inner_text() == "Sessions"


# 4. a period that fits the data

FRESH = "fresh_start"  # a tenant onboarded with three days of history, on a workspace and server of its own
FRESH_TENANTS = f"""tenants:
  - slug: {FRESH}
    name: Fresh Start
    seed: 3
    sources:
      google_ads: {{}}
      shopify: {{}}
      google_analytics: {{}}
"""


def _onboard_fresh(root: Path) -> dict:
    (root / "tenants.yaml").write_text(FRESH_TENANTS)
    args = ["onboard", FRESH, "--days", "3", "--config", str(root / "tenants.yaml"), "--workspace", str(root)]
    proc = subprocess.run([GATA, *args], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The base URL of a server whose one tenant's data starts three days ago."""
    root, _ = built_once(tmp_path_factory, "fresh-tenant", _onboard_fresh)
    with pytest.MonkeyPatch.context() as env:  # the user's tenant is checked against this workspace's file
        env.setenv("GATA_TENANTS_FILE", str(root / "tenants.yaml"))
        create_user(root, user_of(FRESH), "--tenant", FRESH)
    proc, base = start_server(Workspace.resolve(root), root / "tenants.yaml")
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_a_three_day_old_tenant_opens_on_its_three_days(browser, fresh):
    s = Session(browser, fresh, DESKTOP)
    try:
        page = open_dashboard(s, query="", tenant=FRESH)
        first = page.get_attribute("#dashboard", "data-first-day")
        age = (datetime.now(UTC).date() - date.fromisoformat(first)).days
        assert 1 <= age <= 3
        assert page.locator("#range-preset").input_value() == f"last_{age}_days"
        labels = chart_data(page, "spend-revenue")["labels"]
        assert labels[0] == shown_day(first) and len(labels) == age  # not 27 empty days and 3 with data
        assert page.locator("#data-starts").is_hidden()
        s.screenshot("dashboard-three-day-tenant")
    finally:
        s.close()
    assert not s.errors, s.errors


def test_the_default_period_fits_the_data_and_an_earlier_start_is_named(session, web):
    first = first_day_of_data(web)
    today = datetime.now(UTC).date()
    age = (today - date.fromisoformat(first)).days
    assert 1 <= age < 30  # the demo's history is younger than the usual 30 days
    page = open_dashboard(session, query="")
    assert page.locator("#range-preset").input_value() == f"last_{age}_days"
    assert page.locator("#range-preset option:checked").inner_text() == f"Last {age} days"
    # from the data's first day: no empty days before it on the trend chart
    labels = chart_data(page, "spend-revenue")["labels"]
    assert labels[0] == shown_day(first) and len(labels) == age
    assert page.locator("#data-starts").is_hidden()
    # a period starting before the data says where the data starts
    page.select_option("#range-preset", "last_90_days")
    page.click("#range-form button[type=submit]")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    note = page.locator("#data-starts")
    assert note.is_visible() and note.inner_text().startswith(f"Data starts {shown_day(first)}")
    session.screenshot("dashboard-data-starts")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (-3, 0, {"relative": "last_3_days"}),  # three days old: those three whole days
        (0, 0, {"relative": "today"}),  # onboarded today
        (-400, 0, {"relative": "last_30_days"}),  # older than 30 days: the usual
        (-400, -100, {"start": -129, "end": -100}),  # stopped long ago: its last 30 days
        (-110, -100, {"start": -110, "end": -100}),
    ],
)
def test_the_fitting_period_for_younger_and_older_data(session, first, last, expected):
    """fit-range.js as the page loads it, for data spans the demo tenants do not have."""
    open_dashboard(session)
    today = date(2026, 12, 4)
    day = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    want = {k: day(v) if k != "relative" else v for k, v in expected.items()}
    got = session.page.evaluate(
        """async ([first, last, today]) => {
            return (await import("/static/app/js/fit-range.js")).fittingRange(first, last, today);
        }""",
        [day(first), day(last), today.isoformat()],
    )
    assert got == want


# 5. the range from page to page


def test_the_range_goes_from_the_dashboard_to_the_explorer_and_back(session):
    today = datetime.now(UTC).date()
    start, end = (today - timedelta(days=10)).isoformat(), (today - timedelta(days=4)).isoformat()
    page = open_dashboard(session, query="")
    page.select_option("#range-preset", "last_7_days")
    page.click("#range-form button[type=submit]")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    page.click("nav.subnav >> text=Explorer")
    page.wait_for_url("**/explore?range=last_7_days")
    page.wait_for_selector('#explorer[data-state="idle"]')
    assert page.locator("#q-range").input_value() == "last_7_days"
    # a period asked in the explorer goes back too
    page.select_option("#q-range", "custom")
    page.fill("#q-start", start)
    page.fill("#q-end", end)
    page.check('#q-measures input[value="spend"]')
    page.click("#q-run")
    page.wait_for_selector('#explorer[data-state="ready"]')
    page.click("nav.subnav >> text=Pipeline health")
    page.wait_for_url(f"**/health?start={start}&end={end}")
    page.wait_for_selector('#health[data-state="ready"]')
    page.click("nav.subnav >> text=Dashboard")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    assert page.locator("#range-preset").input_value() == "custom"
    assert page.locator("#range-start").input_value() == start
    assert page.locator("#range-end").input_value() == end
    assert f"{shown_day(start)} – {shown_day(end)}" in page.locator("#range-text").inner_text()
    # without a range in the URL, the tab's storage brings it back as well
    page.goto(f"/app/{TENANT}/explore")
    page.wait_for_selector('#explorer[data-state="idle"]')
    assert page.locator("#q-range").input_value() == "custom"
    assert page.locator("#q-start").input_value() == start


def test_a_range_never_crosses_to_another_tenant(session):
    page = open_dashboard(session, query="range=last_7_days", user=ADMIN)
    page.goto("/app/wayne_enterprises")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    assert page.locator("#range-preset").input_value() != "last_7_days"
    assert "range=" not in page.locator("nav.subnav >> text=Explorer").get_attribute("href")
    page.goto("/app/wayne_enterprises/explore")
    page.wait_for_selector('#explorer[data-state="idle"]')
    assert page.locator("#q-range").input_value() == "last_30_days"  # the explorer's own default
    stored = page.evaluate("Object.keys(sessionStorage).filter((k) => k.startsWith('gata.range.'))")
    assert stored == [f"gata.range.{TENANT}"]


# 6. loading skeletons


def test_cards_show_a_skeleton_while_their_queries_run(session):
    """The API's answers held back in the browser (then let through unchanged): every KPI card, chart and the
    campaign table is a busy skeleton meanwhile, and none is once they have answered."""
    held, release = [], []

    def hold(route):
        if release:
            route.continue_()
        else:
            held.append(route)

    session.page.route("**/semantic-layer/*/query", hold)
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}?range=last_7_days")
    page.wait_for_selector("#dashboard")
    deadline = 100
    while len(held) < 8 and deadline:  # the first queries of every card are asked
        page.wait_for_timeout(100)
        deadline -= 1
    busy = page.locator("[data-kpi], [data-chart], section.table-card")
    assert busy.count() == 11 + 5 + 1
    for i in range(busy.count()):
        card = busy.nth(i)
        assert card.get_attribute("aria-busy") == "true", card.get_attribute("class")
        assert "skeleton" in card.get_attribute("class")
    # the skeleton is drawn: a pulsing grey block where the figure goes
    box = page.locator('[data-chart="platforms"] .chart-box')
    assert box.evaluate("(el) => getComputedStyle(el).animationName") == "skeleton-pulse"
    assert box.evaluate("(el) => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    release.append(True)
    for route in held:
        route.continue_()
    page.wait_for_selector('#dashboard[data-state="ready"]')
    for i in range(busy.count()):
        card = busy.nth(i)
        assert card.get_attribute("aria-busy") == "false"
        assert "skeleton" not in card.get_attribute("class")
    assert (
        page.locator('[data-chart="platforms"] .chart-box').evaluate("(el) => getComputedStyle(el).animationName")
        == "none"
    )
