"""The explorer's chart and controls in real Chromium, read back from the Chart.js instance the page drew: the
user picks the chart type and the measures drawn, ratios get their own axis, lines are straight, every period
of the range is drawn (sums 0, ratios empty where nothing happened), partial periods are marked; a string filter
picks its values by the labels people read; the compare checkbox; a wrong range clears the old figures."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import test_explorer as explorer
import web_fixtures
from playwright.sync_api import expect
from web_fixtures import PHONE, drawn_pixels, user_of

web, browser = web_fixtures.web, web_fixtures.browser
session, open_session = web_fixtures.session, web_fixtures.open_session

TENANT = explorer.TENANT
run_and_wait, api_query = explorer.run_and_wait, explorer.api_query

# what the page drew: the Chart.js instance of the explorer's canvas, through the page's own import map
DRAWN = """async () => {
  const { Chart } = await import("chart.js");
  const chart = Chart.getChart("chart-explore");
  if (!chart) return null;
  const n = chart.data.labels.length;
  return {
    type: chart.config.type,
    labels: chart.data.labels,
    axes: Object.keys(chart.scales),
    datasets: chart.data.datasets.map((d) => ({
      label: d.label,
      data: d.data,
      axis: d.yAxisID ?? d.xAxisID ?? "y",
      tension: d.tension ?? null,
      // the segment ending at point i is dashed; bar i is filled with a pattern (not a plain colour)
      dashed: [...Array(n).keys()].map((i) =>
        i > 0 && Boolean(d.segment?.borderDash({ p0DataIndex: i - 1, p1DataIndex: i }))),
      hatched: [...Array(n).keys()].map((i) =>
        Array.isArray(d.backgroundColor) && typeof d.backgroundColor[i] !== "string"),
    })),
  };
}"""


def drawn(page) -> dict | None:
    return page.evaluate(DRAWN)


def open_query(s, body: dict):
    """The explorer on a shared link of `body` (signing in first if need be), once the query has run."""
    path = f"/app/{TENANT}/explore?q={quote(json.dumps(body))}"
    s.page.goto(path)
    page = s.sign_in(user_of(TENANT), path=path) if "/login" in s.page.url else s.page
    page.wait_for_selector('#explorer[data-runs="1"]')
    return page


def open_series(s, web, measures: list[str], grain: str, date_range: dict):
    """The explorer on a time series of orders: (page, the API's answer, what the page drew)."""
    body = {"model": "orders", "measures": measures, "time_grain": grain, "date_range": date_range}
    page = open_query(s, body)
    return page, api_query(web, body), drawn(page)


def days(start: str, end: str) -> list[str]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]


def test_the_user_chooses_the_chart_type_and_the_measures_drawn_and_ratios_get_their_own_axis(session, web):
    page = explorer.open_explorer(session)
    page.select_option("#q-model", "orders")
    for m in ("orders", "revenue", "aov"):
        page.check(f"#q-measure-{m}")
    page.select_option("#q-grain", "day")
    page.select_option("#q-range", "last_30_days")
    run_and_wait(page, lambda: page.click("#q-run"))
    chart = drawn(page)
    assert chart["type"] == "line"
    # every measure picked is drawn; AOV (a ratio) on a second axis, the sums on the first; straight lines
    assert [(d["label"], d["axis"]) for d in chart["datasets"]] == [
        ("Orders", "y"),
        ("Revenue", "y"),
        ("AOV (right axis)", "y1"),
    ]
    assert "y1" in chart["axes"] and all(d["tension"] == 0 for d in chart["datasets"])
    assert page.locator("#chart-controls").is_visible()
    # the measures drawn, by keyboard: Revenue off; the chart is redrawn from the same answer (no new run)
    runs = page.locator("#explorer").get_attribute("data-runs")
    page.focus("#chart-measure-revenue")
    page.keyboard.press("Space")
    assert [d["label"] for d in drawn(page)["datasets"]] == ["Orders", "AOV (right axis)"]
    # bars, then the table alone
    page.select_option("#chart-type", "bar")
    assert drawn(page)["type"] == "bar"
    card = page.locator('[data-chart="explore"]')
    assert card.get_attribute("data-kind") == "bar" and drawn_pixels(page, "explore") > 1000
    page.select_option("#chart-type", "table")
    assert drawn(page) is None and card.get_attribute("data-kind") == "table"
    assert page.locator("#result").is_visible()
    assert page.locator("#explorer").get_attribute("data-runs") == runs
    page.select_option("#chart-type", "auto")
    assert drawn(page)["type"] == "line"
    session.screenshot("explorer-chart-two-axes")
    # CPA with spend: on its own axis, not flattened on the spend axis
    body = {
        "model": "ad_performance",
        "measures": ["spend", "platform_cpa"],
        "dimensions": ["source_platform"],
        "date_range": {"relative": "last_7_days"},
    }
    page = open_query(session, body)
    chart = drawn(page)
    assert chart["type"] == "bar"
    assert {d["label"]: d["axis"] for d in chart["datasets"]} == {"Spend": "y", "Platform CPA (right axis)": "y1"}


def test_every_day_of_the_range_is_drawn_sums_zero_and_ratios_empty(session, web):
    """The demo's data starts 21 days ago: the last 30 days have 9 days without orders, drawn as 0 orders and no
    AOV (not gaps in the orders, not an AOV of 0)."""
    page, result, chart = open_series(session, web, ["orders", "aov"], "day", {"relative": "last_30_days"})
    every = days(result["date_range"]["start"], result["date_range"]["end"])
    assert len(every) == 30 and result["row_count"] < 30
    assert chart["labels"] == every
    orders, aov = (d["data"] for d in chart["datasets"])
    time = next(c["name"] for c in result["columns"] if c["type"] == "date")
    rows = {r[time]: r for r in result["rows"]}
    for i, day in enumerate(every):
        assert orders[i] == (rows[day]["orders"] if day in rows else 0), day
        assert aov[i] == (rows[day]["aov"] if day in rows else None), day
    assert 0 in orders and None in aov


def test_partial_weeks_and_a_partial_day_are_marked(session, web):
    # weeks: the last 30 days start and end inside a week, so the first and last weeks are partial
    page, result, chart = open_series(session, web, ["revenue"], "week", {"relative": "last_30_days"})
    start, end = (date.fromisoformat(result["date_range"][k]) for k in ("start", "end"))
    first_monday = start - timedelta(start.weekday())
    weeks = [(first_monday + timedelta(7 * n)).isoformat() for n in range((end - first_monday).days // 7 + 1)]
    assert chart["labels"] == weeks
    dashed = chart["datasets"][0]["dashed"]
    # the segments into the second week (from the partial first) and into the last week are dashed, the rest not
    assert dashed[1] is True and dashed[-1] is (end.weekday() != 6)
    assert not any(dashed[2:-1])
    note = page.locator("#chart-note").inner_text()
    assert note.startswith("Partial periods, drawn dashed:") and f"{weeks[0]} (only partly inside the range)" in note
    # as bars: the partial weeks hatched
    page.select_option("#chart-type", "bar")
    hatched = drawn(page)["datasets"][0]["hatched"]
    assert hatched[0] and not any(hatched[1:-1])
    assert "drawn hatched" in page.locator("#chart-note").inner_text()
    # a day: today is loaded up to the run's moment, so it is the partial day of a range ending today
    today = datetime.now(UTC).date()
    page, result, chart = open_series(
        session, web, ["orders"], "day", {"start": (today - timedelta(6)).isoformat(), "end": today.isoformat()}
    )
    assert result["partial_days"] == [today.isoformat()]
    assert chart["datasets"][0]["dashed"] == [False] * 6 + [True]
    assert f"{today.isoformat()} (holds a day the data stops in)" in page.locator("#chart-note").inner_text()
    # a whole period has nothing to mark
    page, _, chart = open_series(session, web, ["orders"], "day", {"relative": "last_7_days"})
    assert not any(chart["datasets"][0]["dashed"]) and page.locator("#chart-note").is_hidden()
    # months: the last 90 days start inside a month, so its first month is partial (and drawn, though empty)
    page, result, chart = open_series(session, web, ["revenue"], "month", {"relative": "last_90_days"})
    start = date.fromisoformat(result["date_range"]["start"])
    assert chart["labels"][0] == start.replace(day=1).isoformat() and len(chart["labels"]) >= 3
    assert chart["datasets"][0]["dashed"][1] is (start.day != 1) and not any(chart["datasets"][0]["dashed"][2:-1])
    assert chart["datasets"][0]["data"][0] == 0  # the demo's data starts 21 days ago


def expect_options(page, shown: list[str]) -> None:
    """The value picker's list is open and offers `shown` (as labels), once its answer has come."""
    expect(page.locator(".value-options:not([hidden]) [role=option]")).to_have_text(shown)


def test_a_string_filter_picks_values_by_the_labels_people_read(session, web):
    """ "facebook ads" (as the dashboard shows it) finds facebook_ads, and the filter sends the raw value."""
    platforms = [
        r["source_platform"]
        for r in api_query(
            web,
            {"model": "ad_performance", "dimensions": ["source_platform"], "order_by": [{"field": "source_platform"}]},
        )["rows"]
    ]
    assert "facebook_ads" in platforms and len(platforms) > 1
    page = explorer.open_explorer(session)
    page.check("#q-measure-spend")
    page.check("#q-dimension-source_platform")
    page.click("#q-add-filter")
    page.select_option('[aria-label="Filter 1: field"]', "source_platform")
    value = page.locator('[aria-label="Filter 1: value"]')
    value.focus()  # every value offered, as labels
    expect_options(
        page,
        [
            {
                "facebook_ads": "Facebook Ads",
                "google_ads": "Google Ads",
                "tiktok_ads": "TikTok Ads",
                "instagram_ads": "Instagram Ads",
                "linkedin_ads": "LinkedIn Ads",
                "bing_ads": "Bing Ads",
                "amazon_ads": "Amazon Ads",
            }[p]
            for p in platforms
        ],
    )
    assert value.get_attribute("aria-expanded") == "true"
    value.type("facebook ads")  # as the dashboard writes it
    expect_options(page, ["Facebook Ads"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks; it does not run the query
    assert value.input_value() == "Facebook Ads" and value.get_attribute("aria-expanded") == "false"
    assert page.locator("#explorer").get_attribute("data-runs") is None
    run_and_wait(page, lambda: page.click("#q-run"))
    sent = json.loads(page.locator("#query-json").input_value())
    assert sent["filters"] == [{"field": "source_platform", "op": "eq", "value": "facebook_ads"}]
    explorer.assert_table_is(page, api_query(web, sent))
    assert {row[0] for row in explorer.table(page)[1]} == {"facebook_ads"}  # source_platform, spend
    # a label typed in full and not picked, and a list of them: still the raw values
    value.fill("")
    value.type("Facebook Ads")
    expect_options(page, ["Facebook Ads"])
    page.keyboard.press("Escape")
    run_and_wait(page, lambda: page.click("#q-run"))
    assert json.loads(page.locator("#query-json").input_value())["filters"][0]["value"] == "facebook_ads"
    page.select_option('[aria-label="Filter 1: operator"]', "in")
    value.fill("")
    value.type("Google")
    expect_options(page, ["Google Ads"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    value.type(", facebook")
    expect_options(page, ["Facebook Ads"])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert value.input_value() == "Google Ads, Facebook Ads"
    session.screenshot("explorer-value-picker")
    run_and_wait(page, lambda: page.click("#q-run"))
    sent = json.loads(page.locator("#query-json").input_value())
    assert sent["filters"][0]["value"] == ["google_ads", "facebook_ads"]
    # a number field has no picker
    page.select_option('[aria-label="Filter 1: field"]', "spend")
    value.focus()
    page.wait_for_timeout(300)
    assert page.locator(".value-options:not([hidden])").count() == 0


def test_fields_and_codes_show_as_labels(session, web):
    with web.client(TENANT) as client:
        model = client.get(f"/semantic-layer/{TENANT}/models/ad_performance").json()
    created = next(f for j in model["joins"] for f in j["fields"] if f["name"] == "campaigns.created_date")
    assert created["label"] == "Campaigns: Created" and created["format"] == "date"
    assert {m["name"]: m["additive"] for m in model["measures"]}["platform_cpa"] is False
    page = explorer.open_explorer(session)
    assert page.locator('label[for="q-dimension-campaigns--created_date"]').inner_text() == "Campaigns: Created"
    page.check("#q-measure-spend")
    page.check("#q-dimension-campaigns--objective")
    page.check("#q-dimension-source_platform")
    sort = page.locator("#q-sort option").all_inner_texts()
    assert "Campaigns: Objective" in sort and not any("." in s or "_" in s for s in sort)
    page.click("#q-add-filter")
    fields = page.locator('[aria-label="Filter 1: field"] option').all_inner_texts()
    assert "Campaigns: Created" in fields and not any("." in f or "_" in f for f in fields)
    page.click('[aria-label="Remove filter 1"]')
    page.select_option("#q-range", "last_7_days")
    run_and_wait(page, lambda: page.click("#q-run"))
    result = api_query(web, json.loads(page.locator("#query-json").input_value()))
    head = page.locator("#result thead th").all_inner_texts()
    assert head == [c["label"] for c in result["columns"]] and "Campaigns: Objective" in head
    cells = page.locator('#result tbody td[data-col="campaigns.objective"]')
    shown = set(zip(cells.evaluate_all("tds => tds.map(t => t.dataset.value)"), cells.all_inner_texts(), strict=True))
    assert ("OUTCOME_SALES", "Outcome sales") in shown  # Meta's objective code
    assert shown <= {("OUTCOME_SALES", "Outcome sales"), ("SALES", "Sales"), ("SEARCH", "Search")}
    platforms = page.locator('#result tbody td[data-col="source_platform"]').all_inner_texts()
    assert "Facebook Ads" in platforms and not any("_" in p for p in platforms)
    # the chart's categories too
    chart = page.evaluate("""async () => (await import("chart.js")).Chart.getChart("chart-explore").data.labels""")
    assert any(label.startswith("Facebook Ads / ") for label in chart) and not any("_" in label for label in chart)


def test_compare_with_previous_period_shows_the_change_columns(session, web):
    page = explorer.open_explorer(session)
    page.check("#q-measure-spend")
    page.check("#q-dimension-source_platform")
    page.select_option("#q-range", "last_7_days")
    page.check("#q-compare")
    run_and_wait(page, lambda: page.click("#q-run"))
    sent = json.loads(page.locator("#query-json").input_value())
    assert sent["compare"] == "previous_period"
    result = api_query(web, sent)
    explorer.assert_table_is(page, result)
    names = explorer.table(page)[0]
    assert names == ["source_platform", "spend", "spend_previous", "spend_delta", "spend_pct_change"]
    assert "Spend change %" in page.locator("#result thead th").all_inner_texts()
    assert page.locator("#q-note").is_hidden()  # the controls show the whole query
    page.reload()
    page.wait_for_selector('#explorer[data-runs="1"]')
    assert page.locator("#q-compare").is_checked()
    # without a period there is nothing to compare with: said before asking
    page.select_option("#q-range", "")
    page.click("#q-run")
    assert "needs a period" in page.locator("#explore-error").inner_text()


def test_an_inverted_custom_range_says_so_and_clears_the_old_figures(session, web):
    page = explorer.open_explorer(session)
    page.check("#q-measure-spend")
    page.check("#q-dimension-source_platform")
    page.select_option("#q-range", "last_7_days")
    run_and_wait(page, lambda: page.click("#q-run"))
    assert page.locator("#result").is_visible() and drawn(page) is not None
    page.select_option("#q-range", "custom")
    page.fill("#q-start", "2026-03-10")
    page.fill("#q-end", "2026-03-01")
    page.click("#q-run")
    assert page.locator("#explore-error").inner_text() == "The end day is before the start day."
    assert page.locator("#result").is_hidden() and page.locator("#csv").is_disabled()
    assert page.locator("#result-summary").inner_text() == "" and page.locator("#sql").inner_text() == ""
    assert drawn(page) is None and page.locator("#chart-controls").is_hidden()
    assert page.locator('[data-chart="explore"]').get_attribute("data-state") == "error"


def test_the_chart_controls_fit_a_phone(open_session, web):
    s = open_session(PHONE)
    body = {
        "model": "orders",
        "measures": ["orders", "revenue", "aov"],
        "time_grain": "week",
        "date_range": {"relative": "last_30_days"},
    }
    page = open_query(s, body)
    assert len(drawn(page)["datasets"]) == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for control in ("#chart-type", "#chart-measure-orders", "#chart-measure-aov", "#chart-note"):
        box = page.locator(control).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control
    s.screenshot("explorer-chart-390")
