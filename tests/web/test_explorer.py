"""The explorer in real Chromium: a query built with the controls (by keyboard too) shows the API's rows, chart
and SQL; a question fills the controls and an editable JSON query; the CSV is the table; bad queries show the
API's own message; another tenant's explorer and data stay out of reach; it fits 390 px."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest
import web_fixtures
from web_fixtures import PHONE, drawn_pixels, open_from_dashboard, user_of

web, browser = web_fixtures.web, web_fixtures.browser
session, open_session = web_fixtures.session, web_fixtures.open_session

TENANT = "tyrell_corp"
OTHER = "stark_industries"


def open_explorer(s, tenant: str = TENANT):
    return open_from_dashboard(s, tenant, "Explorer", "explore", '#explorer[data-state="idle"]')


def run_and_wait(page, action) -> None:
    """Do what starts a run, then wait for that run (not an earlier one) to finish."""
    before = int(page.locator("#explorer").get_attribute("data-runs") or 0)
    action()
    page.wait_for_selector(f'#explorer[data-runs="{before + 1}"]')


def api_query(web, body: dict, tenant: str = TENANT) -> dict:
    with web.client(tenant) as client:
        r = client.post(f"/semantic-layer/{tenant}/query", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def api_error(web, body: dict) -> str:
    with web.client(TENANT) as client:
        r = client.post(f"/semantic-layer/{TENANT}/query", json=body)
    assert r.status_code == 400, r.text
    return r.json()["detail"]


def table(page) -> tuple[list[str], list[list[str]]]:
    """The result table: column names and every cell's raw value."""
    names = page.locator("#result thead th").evaluate_all("els => els.map(e => e.dataset.col)")
    rows = page.locator("#result tbody tr").evaluate_all(
        "trs => trs.map(tr => [...tr.cells].map(td => td.dataset.value))"
    )
    return names, rows


def compact(value):
    """A query without its nulls and empty lists, as the page writes it."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v not in (None, [])}
    return [compact(v) for v in value] if isinstance(value, list) else value


def raw(value) -> str:
    """A value as the browser writes it: JSON numbers through JavaScript's String() (1995.0 is "1995")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def assert_table_is(page, result: dict) -> None:
    names, rows = table(page)
    assert names == [c["name"] for c in result["columns"]]
    assert len(rows) == result["row_count"] > 0
    for shown, row in zip(rows, result["rows"], strict=True):
        for cell, name in zip(shown, names, strict=True):
            want = row[name]
            if isinstance(want, float):
                assert float(cell) == pytest.approx(want, rel=1e-12), name
            else:
                assert cell == raw(want), name


def test_a_query_built_with_the_controls_is_the_apis_answer(session, web):
    page = open_explorer(session)
    page.select_option("#q-model", "ad_performance")
    page.check("#q-measure-spend")
    page.focus("#q-measure-clicks")
    page.keyboard.press("Space")  # keyboard works like the mouse
    page.check("#q-dimension-source_platform")
    page.click("#q-add-filter")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Filter 1: field"
    page.select_option('[aria-label="Filter 1: field"]', "source_platform")
    page.select_option('[aria-label="Filter 1: operator"]', "ne")
    page.fill('[aria-label="Filter 1: value"]', "google_ads")
    page.select_option("#q-grain", "week")
    page.select_option("#q-range", "last_30_days")
    run_and_wait(page, lambda: page.press("#q-limit", "Enter"))  # Enter submits the form
    assert page.locator("#explorer").get_attribute("data-state") == "ready"
    body = {
        "model": "ad_performance",
        "measures": ["spend", "clicks"],
        "dimensions": ["source_platform"],
        "filters": [{"field": "source_platform", "op": "ne", "value": "google_ads"}],
        "time_grain": "week",
        "date_range": {"relative": "last_30_days"},
        "limit": 1000,
    }
    result = api_query(web, body)
    assert_table_is(page, result)
    assert "google_ads" not in {r["source_platform"] for r in result["rows"]}
    assert page.locator('#result tbody td[data-col="spend"]').first.inner_text().startswith("$")
    assert page.locator("#sql").inner_text() == result["sql"] and "SELECT" in result["sql"]
    assert json.loads(page.locator("#query-json").input_value()) == body
    card = page.locator('[data-chart="explore"]')
    assert card.get_attribute("data-kind") == "line" and card.get_attribute("data-state") == "ready"
    assert drawn_pixels(page, "explore") > 2000
    session.screenshot("explorer-1280")
    # the query is in the URL: a reload (or a shared link) shows the same result
    assert json.loads(parse_qs(urlparse(page.url).query)["q"][0]) == body
    page.reload()
    page.wait_for_selector('#explorer[data-runs="1"]')
    assert_table_is(page, result)
    assert page.locator("#q-measure-clicks").is_checked() and page.locator("#q-grain").input_value() == "week"
    assert page.locator('[aria-label="Filter 1: value"]').input_value() == "google_ads"


def test_a_question_fills_the_controls_and_its_json_can_be_edited_and_rerun(session, web):
    page = open_explorer(session)
    question = "spend by platform last 30 days"
    page.fill("#question", question)
    run_and_wait(page, lambda: page.click("#ask-form button[type=submit]"))
    page.wait_for_selector('section.ask[data-state="answered"]')
    with web.client(TENANT) as client:
        answer = client.post(f"/semantic-layer/{TENANT}/ask", json={"question": question}).json()
    asked = answer["query"]
    assert page.locator("#ask-answer").inner_text().startswith(answer["explanation"]["text"])
    assert page.locator("#q-model").input_value() == asked["model"] == "ad_performance"
    for m in asked["measures"]:
        assert page.locator(f"#q-measure-{m}").is_checked()
    for d in asked["dimensions"]:
        assert page.locator(f"#q-dimension-{d}").is_checked()
    assert page.locator("#q-range").input_value() == asked["date_range"]["relative"]
    shown = json.loads(page.locator("#query-json").input_value())
    assert compact(asked) == shown
    assert_table_is(page, api_query(web, shown))
    # edit the JSON: another measure, a limit of 2 and a sort, then run it as it is
    edited = {**shown, "measures": ["clicks"], "limit": 2, "order_by": [{"field": "clicks", "direction": "desc"}]}
    page.fill("#query-json", json.dumps(edited, indent=1))
    run_and_wait(page, lambda: page.click("#json-form button[type=submit]"))
    result = api_query(web, edited)
    assert result["row_count"] == 2
    assert_table_is(page, result)
    assert page.locator("#q-limit").input_value() == "2"
    assert page.locator("#q-measure-clicks").is_checked() and not page.locator("#q-measure-spend").is_checked()
    assert page.locator("#q-sort").input_value() == "clicks"
    assert "row limit (2) was reached" in page.locator("#result-summary").inner_text()
    assert page.locator('[data-chart="explore"]').get_attribute("data-kind") == "bar"
    assert drawn_pixels(page, "explore") > 1000


def test_a_period_with_today_says_today_is_partial(session, web):
    """The data stops at the run's moment: the answer and the result say so when the period holds today."""
    page = open_explorer(session)
    page.fill("#question", "revenue today")
    run_and_wait(page, lambda: page.click("#ask-form button[type=submit]"))
    page.wait_for_selector('section.ask[data-state="answered"]')
    with web.client(TENANT) as client:
        answer = client.post(f"/semantic-layer/{TENANT}/ask", json={"question": "revenue today"}).json()
    assert answer["notes"] and "is partial" in answer["notes"][0]
    assert answer["notes"][0] in page.locator("#ask-answer").inner_text()
    assert page.locator("#partial-note").inner_text() == answer["notes"][0]
    # a period of whole days has nothing to say
    page.fill("#question", "revenue last 7 days")
    run_and_wait(page, lambda: page.click("#ask-form button[type=submit]"))
    page.wait_for_selector('section.ask[data-state="answered"]')
    assert page.locator("#partial-note").is_hidden()


def test_a_question_that_cannot_be_read_offers_questions_that_can(session, web):
    page = open_explorer(session)
    page.fill("#question", "how tall is the eiffel tower")
    page.press("#question", "Enter")
    page.wait_for_selector('section.ask[data-state="refused"]')
    with web.client(TENANT) as client:
        refusal = client.post(f"/semantic-layer/{TENANT}/ask", json={"question": "how tall is the eiffel tower"}).json()
    assert page.locator("#ask-answer").inner_text().startswith(refusal["message"])
    buttons = page.locator("#ask-suggestions button")
    assert buttons.all_inner_texts() == refusal["suggestions"]
    assert page.locator("#explorer").get_attribute("data-runs") is None  # nothing ran
    daily = next(s for s in refusal["suggestions"] if s.startswith("daily revenue"))
    run_and_wait(page, lambda: buttons.filter(has_text=daily).click())
    page.wait_for_selector('section.ask[data-state="answered"]')
    assert page.locator("#question").input_value() == daily
    shown = json.loads(page.locator("#query-json").input_value())
    assert shown["time_grain"] == page.locator("#q-grain").input_value() == "day"
    assert page.locator("#q-range").input_value() == shown["date_range"]["relative"]
    assert_table_is(page, api_query(web, shown))
    assert page.locator('[data-chart="explore"]').get_attribute("data-kind") == "line"


def test_csv_download_is_exactly_the_table(session, web):
    page = open_explorer(session)
    page.check("#q-measure-spend")
    page.check("#q-measure-ctr")
    page.check("#q-dimension-campaigns--objective")  # a joined model's dimension
    page.check("#q-dimension-source_platform")
    page.select_option("#q-range", "last_7_days")
    run_and_wait(page, lambda: page.click("#q-run"))
    body = json.loads(page.locator("#query-json").input_value())
    assert body["dimensions"] == ["source_platform", "campaigns.objective"]
    result = api_query(web, body)
    assert_table_is(page, result)
    with page.expect_download() as download:
        page.click("#csv")
    assert download.value.suggested_filename == f"{TENANT}-ad_performance.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    names, rows = table(page)
    assert lines[0] == names == [c["name"] for c in result["columns"]]
    assert lines[1:] == rows
    assert lines[1:] == [[raw(r[n]) for n in names] for r in result["rows"]]
    assert all("," not in v and "$" not in v for line in lines[1:] for v in line)  # numbers as numbers


def test_bad_queries_show_the_apis_message(session, web):
    page = open_explorer(session)
    # nothing chosen: the page says so before asking anything
    page.click("#q-run")
    assert page.locator("#explore-error").inner_text() == "Pick at least one measure or dimension."
    # a filter value that is not a number for a measure: the API's 400 detail, word for word
    page.check("#q-measure-spend")
    page.click("#q-add-filter")
    page.select_option('[aria-label="Filter 1: field"]', "spend")
    page.select_option('[aria-label="Filter 1: operator"]', "gt")
    page.fill('[aria-label="Filter 1: value"]', "lots")
    run_and_wait(page, lambda: page.click("#q-run"))
    sent = json.loads(page.locator("#query-json").input_value())
    detail = api_error(web, sent)
    assert "'lots' is not a valid number" in detail
    assert page.locator("#explore-error").inner_text() == f"The query was refused: {detail}"
    assert page.locator("#explorer").get_attribute("data-state") == "error"
    assert page.locator("#result").is_hidden() and page.locator("#csv").is_disabled()
    # an unknown measure typed into the JSON: the detail names it and the valid fields
    page.fill("#query-json", json.dumps({"model": "ad_performance", "measures": ["spendz"]}))
    run_and_wait(page, lambda: page.click("#json-form button[type=submit]"))
    detail = api_error(web, {"model": "ad_performance", "measures": ["spendz"]})
    assert "unknown field 'spendz'" in detail and "spend" in detail
    assert page.locator("#explore-error").inner_text() == f"The query was refused: {detail}"
    assert "only in the JSON" in page.locator("#q-note").inner_text()
    # JSON that is not JSON
    page.fill("#query-json", "{model: ad_performance")
    page.click("#json-form button[type=submit]")
    assert page.locator("#explore-error").inner_text().startswith("The JSON is not valid")
    session.screenshot("explorer-error")


def test_another_tenants_explorer_and_data_are_not_found(session):
    session.sign_in(user_of(TENANT))
    assert session.page.goto(f"/app/{OTHER}/explore").status == 404
    assert session.page.goto(f"/app/{TENANT}/explore").status == 200
    headers = {"X-CSRF-Token": session.csrf()}
    body = {"model": "ad_performance", "measures": ["spend"]}
    assert session.fetch("POST", f"/semantic-layer/{OTHER}/query", body, headers)["status"] == 404
    assert session.fetch("POST", f"/semantic-layer/{OTHER}/ask", {"question": "spend"}, headers)["status"] == 404
    assert session.fetch("GET", f"/semantic-layer/{OTHER}/models")["status"] == 404
    assert session.fetch("POST", f"/semantic-layer/{TENANT}/query", body, headers)["status"] == 200


def test_explorer_fits_a_phone_and_opens_a_shared_link(open_session, web):
    s = open_session(PHONE)
    body = {"model": "orders", "measures": ["revenue", "orders"], "date_range": {"relative": "last_7_days"}}
    page = s.sign_in(user_of(TENANT), path=f"/app/{TENANT}/explore?q={quote(json.dumps(body))}")
    page.wait_for_selector('#explorer[data-runs="1"]')
    result = api_query(web, body)
    assert page.locator('[data-chart="explore"]').get_attribute("data-kind") == "number"
    revenue = page.locator('#numbers [data-measure="revenue"] .kpi-value').inner_text()
    assert revenue.startswith("$") and float(revenue[1:].replace(",", "")) == pytest.approx(
        result["rows"][0]["revenue"], abs=0.006
    )
    assert_table_is(page, result)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for control in ("#q-model", "#q-run", "#question", "#csv", "#query-json"):
        box = page.locator(control).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control
    s.screenshot("explorer-390")


def test_the_explorer_says_which_days_are_still_settling(session, web):
    """Platform ROAS over the last 7 days: the API's notes (days the platforms still restate) are shown under the
    result, and a settled measure alone shows none."""
    body = {"model": "ad_performance", "measures": ["platform_roas"], "date_range": {"relative": "last_7_days"}}
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}/explore?q={quote(json.dumps(body))}")
    page.wait_for_selector('#explorer[data-runs="1"]')
    result = api_query(web, body)
    assert result["unsettled"] and result["notes"]
    assert page.locator("#result-notes li").all_inner_texts() == result["notes"]
    page.goto(f"/app/{TENANT}/explore?q={quote(json.dumps({**body, 'measures': ['spend']}))}")
    page.wait_for_selector('#explorer[data-runs="1"]')
    assert page.locator("#result-notes").is_hidden()
