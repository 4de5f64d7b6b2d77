"""The in-browser tier in real Chromium: a star table loaded into DuckDB-WASM has the snapshot's rows, the
profiler's figures are DuckDB's on the server, SQL and questions are answered in the tab without a request,
uploaded CSV and Parquet files join the star table and never leave the browser, and other tenants get 404."""

from __future__ import annotations

import csv
import datetime as dt
import json

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import web_fixtures
from web_fixtures import PHONE, user_of

from gata.star.contracts import contract_named
from gata.web.render import WEBLLM_ORIGINS
from gata.web.routers.assets import allowed

web, browser = web_fixtures.web, web_fixtures.browser
session, open_session = web_fixtures.session, web_fixtures.open_session

TENANT, OTHER = "tyrell_corp", "wayne_enterprises"
MARKER = "gata-local-marker-7f3a9c"  # in every uploaded file: no request may carry it


def star(con, table: str) -> str:
    return contract_named(table, TENANT).model_name(TENANT)


def open_local(s, table: str = "orders", query: str = ""):
    page = s.sign_in(user_of(TENANT), path=f"/app/{TENANT}/local{query}")
    page.wait_for_selector('#local[data-state="ready"]', timeout=60_000)
    page.select_option("#load-table", table)
    page.click("#load-button")
    page.wait_for_selector('#load-status[data-state="ready"]', timeout=60_000)
    page.wait_for_selector(f'#profile[data-state="ready"][data-table="{table}"]', timeout=60_000)
    return page


def submit(page, field: str, text: str, button: str) -> list[list[str]]:
    """Type `text` into `field`, press `button`, and return the result's rows (failing on an error)."""
    page.fill(field, text)
    page.click(button)
    page.wait_for_selector('#result[data-state="ready"], #result[data-state="error"]')
    assert page.get_attribute("#result", "data-state") == "ready", page.inner_text("#result [data-role=error]")
    return result_rows(page)


def run_sql(page, sql: str) -> list[list[str]]:
    return submit(page, "#sql", sql, "#sql-button")


def ask(page, question: str) -> list[list[str]]:
    return submit(page, "#question", question, "#ask-button")


def result_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#result-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )


def record_requests(page) -> list[dict]:
    seen: list[dict] = []
    page.on("request", lambda r: seen.append({"url": r.url, "method": r.method, "body": r.post_data_buffer or b""}))
    return seen


def test_load_profile_sql_and_question_answered_in_the_tab(session, web):
    page = open_local(session)
    con = web.snapshot(TENANT)
    orders = star(con, "orders")
    (expected,) = con.execute(f"select count(*) from {orders}").fetchone()
    with web.client(TENANT) as client:
        r = client.get(f"/semantic-layer/{TENANT}/tables/orders.arrow")
    assert pa.ipc.open_stream(r.content).read_all().num_rows == expected
    assert int(page.get_attribute("#load-status", "data-rows")) == expected
    assert f"{expected:,} rows" in page.inner_text("#load-status")

    # the profiler's figures are DuckDB's on the server
    for column in ("landing_medium", "total_price", "order_date"):
        nulls, distinct, lo, hi = con.execute(
            f"select count(*) - count({column}), count(distinct {column}), min({column})::varchar, "
            f"max({column})::varchar from {orders}"
        ).fetchone()
        card = page.locator(f'.column-profile[data-column="{column}"]')
        assert int(card.locator('[data-stat="nulls"]').get_attribute("data-value")) == nulls, column
        assert int(card.locator('[data-stat="distinct"]').get_attribute("data-value")) == distinct, column
        assert card.locator('[data-stat="min"]').inner_text() == lo, column
        assert card.locator('[data-stat="max"]').inner_text() == hi, column
    top = con.execute(
        f"select landing_medium, count(*) n from {orders} group by 1 order by n desc, 1 nulls last limit 1"
    ).fetchone()
    first = page.locator('.column-profile[data-column="landing_medium"] .top-values li').first.inner_text()
    assert first == f"{top[0] or '(null)'}: {top[1]:,}"
    histogram = page.locator('.column-profile[data-column="total_price"] figure')
    assert histogram.get_attribute("data-state") == "ready"
    painted = histogram.locator("canvas").evaluate(
        """c => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert painted > 500
    assert page.locator('.column-profile[data-column="total_price"] [data-stat="type"]').inner_text() == "DECIMAL(18,2)"

    # from here on nothing may reach the server
    requests = record_requests(page)
    rows = run_sql(page, "select financial_status, count(*) as n from orders group by 1 order by 1")
    want = con.execute(f"select financial_status, count(*) from {orders} group by 1 order by 1").fetchall()
    assert [(s, int(n.replace(",", ""))) for s, n in rows] == want

    page.fill("#question", "how many orders")
    page.click("#ask-button")
    page.wait_for_selector('#result[data-state="ready"]')
    shown = json.loads(page.inner_text("#ask-json"))
    assert shown == {
        "table": "orders",
        "measures": [{"column": "*", "agg": "count"}],
        "dimensions": [],
        "filters": [],
        "order": [],
        "limit": 1000,
    }
    assert page.input_value("#sql").startswith('SELECT count(*) AS "count"\nFROM "orders"')
    assert result_rows(page) == [[f"{expected:,}"]]

    page.fill("#question", "average order value by channel")
    page.click("#ask-button")
    page.wait_for_selector('#result[data-state="ready"]')
    query = json.loads(page.inner_text("#ask-json"))
    assert query["measures"] == [{"column": "net_revenue_reporting", "agg": "avg"}]
    assert query["dimensions"] == [{"column": "landing_medium"}]
    want = dict(con.execute(f"select landing_medium, avg(net_revenue_reporting) from {orders} group by 1").fetchall())
    for medium, value in result_rows(page):
        assert float(value.replace(",", "")) == pytest.approx(float(want[None if medium == "–" else medium]), abs=1e-4)
    assert page.locator('[data-chart="result"]').get_attribute("data-state") == "ready"

    page.fill("#question", "total foo by day")
    page.click("#ask-button")
    page.wait_for_selector('#result[data-state="error"]')
    assert "Unknown column 'foo' (measure) in 'orders'" in page.inner_text("#result [data-role=error]")
    run_sql(page, "select 1")
    page.fill("#sql", "select nope from orders")
    page.click("#sql-button")
    page.wait_for_selector('#result[data-state="error"]')
    assert "DuckDB could not run this SQL" in page.inner_text("#result [data-role=error]")
    assert "nope" in page.inner_text("#result [data-role=error]")

    assert page.get_attribute("#webgpu-status", "data-state") == "absent"
    assert "no WebGPU" in page.inner_text("#webgpu-status")
    assert page.locator("#model-offer").is_hidden() and page.locator("#model-load").is_hidden()
    assert requests == [], f"local queries reached the server: {[r['url'] for r in requests]}"
    session.screenshot("local-1280")


def test_uploaded_csv_and_parquet_join_the_star_table_and_never_leave_the_browser(session, web, tmp_path):
    con = web.snapshot(TENANT)
    orders = star(con, "orders")
    statuses = [s for (s,) in con.execute(f"select distinct financial_status from {orders} order by 1").fetchall()]
    targets = tmp_path / "status targets.csv"
    with targets.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["financial_status", "label", "weight"])
        for i, s in enumerate(statuses):
            w.writerow([s, f"{MARKER}-{s}", i + 1])
    parquet = tmp_path / "status_goals.parquet"
    pq.write_table(
        pa.table(
            {
                "financial_status": statuses,
                "goal": pa.array([10 * (i + 1) for i in range(len(statuses))], pa.int64()),
                "share": [0.5 + i for i in range(len(statuses))],
                "note": [f"{MARKER}-pq"] * len(statuses),
                "since": pa.array([dt.date(2026, 1, i + 1) for i in range(len(statuses) - 1)] + [None], pa.date32()),
            }
        ),
        parquet,
    )
    file_bytes = [targets.read_bytes(), parquet.read_bytes()]

    page = open_local(session)
    requests = record_requests(page)
    page.set_input_files("#upload-file", str(targets))
    page.wait_for_selector('#upload-status[data-state="ready"]')
    assert page.get_attribute("#upload-status", "data-table") == "status_targets"
    page.wait_for_selector('#profile[data-state="ready"][data-table="status_targets"]')
    card = page.locator('.column-profile[data-column="weight"]')
    assert int(card.locator('[data-stat="distinct"]').get_attribute("data-value")) == len(statuses)

    rows = run_sql(
        page,
        "select t.label, count(*) as n, sum(t.weight) as w from orders o join status_targets t "
        "using (financial_status) group by 1 order by 1",
    )
    counts = dict(con.execute(f"select financial_status, count(*) from {orders} group by 1").fetchall())
    want = [[f"{MARKER}-{s}", f"{counts[s]:,}", f"{counts[s] * (i + 1):,}"] for i, s in enumerate(statuses)]
    assert rows == want

    page.set_input_files("#upload-file", str(parquet))
    page.wait_for_selector('#upload-status[data-state="ready"][data-table="status_goals"]')
    assert f"{len(statuses)} rows, 5 columns" in page.inner_text("#upload-status")
    rows = run_sql(
        page,
        "select g.financial_status, g.goal, g.share, g.note, count(o.order_id) as n from status_goals g "
        "left join orders o using (financial_status) group by all order by 1",
    )
    assert rows == [
        [s, str(10 * (i + 1)), str(0.5 + i), f"{MARKER}-pq", f"{counts[s]:,}"] for i, s in enumerate(statuses)
    ]
    types = run_sql(
        page,
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'status_goals' order by ordinal_position",
    )
    assert types == [
        ["financial_status", "VARCHAR"],
        ["goal", "BIGINT"],
        ["share", "DOUBLE"],
        ["note", "VARCHAR"],
        ["since", "DATE"],
    ]
    last = len(statuses) - 1
    assert run_sql(page, "select count(since), max(since) from status_goals") == [[f"{last}", f"2026-01-0{last}"]]

    # not one request while the files were read and queried, so none carried them
    assert requests == [], [r["url"] for r in requests]
    for r in requests:  # (kept for when the page makes requests of its own: none may carry the file)
        assert MARKER.encode() not in r["body"] and MARKER not in r["url"]
        assert not any(chunk in r["body"] for chunk in file_bytes)
    session.screenshot("local-upload-1280")


def test_malformed_uploads_name_the_problem_and_keep_what_is_loaded(session, web, tmp_path):
    """Files the tab cannot read are refused with the file's name and the reason; the star table and an
    earlier upload stay as they were, and no table is half-created."""
    good = tmp_path / "targets.csv"
    good.write_text("financial_status,weight\npaid,1\nrefunded,2\n")
    bad = {
        "notes.xlsx": (b"PK\x03\x04 not a sheet", "neither CSV nor Parquet"),
        "broken.parquet": (b"PAR1 this is not parquet at all", "could not be read"),
        "garbage.csv": (bytes(range(256)) * 40, "could not be read"),
        "empty.parquet": (b"", "could not be read"),
    }
    page = open_local(session)
    page.set_input_files("#upload-file", str(good))
    page.wait_for_selector('#upload-status[data-state="ready"][data-table="targets"]')
    before = run_sql(page, "select (select count(*) from orders), (select count(*) from targets)")
    tables = run_sql(page, "select table_name from information_schema.tables order by 1")
    for name, (content, reason) in bad.items():
        path = tmp_path / name
        path.write_bytes(content)
        page.set_input_files("#upload-file", str(path))
        page.wait_for_selector('#upload-status[data-state="error"]')
        message = page.inner_text("#upload-status")
        assert name in message and reason in message, message
        assert run_sql(page, "select table_name from information_schema.tables order by 1") == tables, name
        assert run_sql(page, "select (select count(*) from orders), (select count(*) from targets)") == before
        page.set_input_files("#upload-file", str(good))  # and the page still takes a good file afterwards
        page.wait_for_selector('#upload-status[data-state="ready"]')
        tables = run_sql(page, "select table_name from information_schema.tables order by 1")


def test_other_tenants_page_and_table_are_not_found(session, web):
    page = session.sign_in(user_of(OTHER), path=f"/app/{TENANT}/local")
    assert page.locator("h1").inner_text() == "Not found"
    assert session.fetch("GET", f"/semantic-layer/{TENANT}/tables/orders.arrow")["status"] == 404
    assert session.fetch("GET", f"/semantic-layer/{OTHER}/tables/orders.arrow")["status"] == 200
    response = page.goto(f"/app/{OTHER}/local")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "'wasm-unsafe-eval'" in csp and "worker-src 'self'" in csp and "http" not in csp
    dashboard_csp = page.goto(f"/app/{OTHER}").headers["content-security-policy"]
    assert "wasm" not in dashboard_csp


def test_phone_layout_fits_390px(open_session, web):
    s = open_session(PHONE)
    page = open_local(s, "campaigns")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    run_sql(page, "select campaign_status, count(*) from campaigns group by 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    s.screenshot("local-390")


def test_vendor_allow_list_serves_only_browser_modules():
    assert allowed("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm")
    assert allowed("bundle/apache-arrow.js") and allowed("bundle/hyparquet.js")
    for path in (
        "apache-arrow/Arrow.dom.mjs",  # served as the one bundle made by `make setup`
        "apache-arrow/package.json",
        "apache-arrow/bin/arrow2csv.mjs",
        "apache-arrow/io/node/reader.mjs",
        "apache-arrow/../tslib/tslib.js",
        "apache-arrow/Arrow.dom.mjs.map",
        "hyparquet/src/node.js",
        "bundle/../build.mjs",
        "@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm",
        "@duckdb/duckdb-wasm/package.json",
        "command-line-args/dist/index.mjs",
    ):
        assert not allowed(path), path


def test_duckdb_files_are_served_with_their_media_types(web):
    dist = "/static/vendor/@duckdb/duckdb-wasm/dist"
    with httpx.Client(base_url=web.base) as client:
        wasm = client.get(f"{dist}/duckdb-eh.wasm")
        worker = client.get(f"{dist}/duckdb-browser-eh.worker.js")
        arrow = client.get("/static/vendor/bundle/apache-arrow.js")
        assert client.get("/static/vendor/apache-arrow/package.json").status_code == 404
    assert wasm.status_code == 200 and wasm.headers["content-type"] == "application/wasm"
    assert wasm.content[:4] == b"\0asm"
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "connect-src 'self'" in worker.headers["content-security-policy"]  # the worker reaches no other origin
    assert arrow.headers["content-type"].startswith("text/javascript")


# --- the in-browser model (WebLLM): offered with WebGPU, opted into as ?model=webllm, never run in tests ---

MODEL = "Qwen2.5-Coder"
# a stand-in for WebLLM's engine: replies from window.__replies in turn, requests kept in window.__requests
FAKE_ENGINE = """async (replies) => {
    const model = await import("/static/app/js/model.js");
    window.__replies = replies;
    window.__requests = [];
    model.useEngine(replies === null ? null : { chat: { completions: { create: async (request) => {
        window.__requests.push(request);
        return { choices: [{ message: { role: "assistant", content: window.__replies.shift() } }] };
    } } } });
}"""
FAKE_ADAPTER = (
    "Object.defineProperty(Navigator.prototype, 'gpu', "
    "{configurable: true, get: () => ({requestAdapter: async () => ({})})});"
)


def csp_of(page, path: str) -> dict[str, list[str]]:
    header = page.evaluate("async (p) => (await fetch(p)).headers.get('content-security-policy')", path)
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


def test_webllm_variant_without_webgpu_says_so_and_the_built_in_reader_answers(session, web):
    page = open_local(session, query="?model=webllm")
    assert page.get_attribute("#local", "data-model") == "webllm"
    assert page.get_attribute("#model", "data-state") == "absent"
    assert "no WebGPU" in page.inner_text("#webgpu-status") and "Nothing is downloaded" in page.inner_text(
        "#webgpu-status"
    )
    assert page.locator("#model-offer").is_hidden() and page.locator("#model-load").is_hidden()
    assert "huggingface.co" in page.inner_text("#upload-model-note")  # the widened page says so by the upload box
    requests = record_requests(page)
    (expected,) = web.snapshot(TENANT).execute(f"select count(*) from {star(None, 'orders')}").fetchone()
    assert ask(page, "how many orders") == [[f"{expected:,}"]]
    assert "question read in this tab" in page.inner_text("#result [data-role=meta]")
    assert page.locator("#ask-note").is_hidden()
    assert requests == []
    # WebLLM's 7 MB module is fetched only when the model is started
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [u for u in loaded if "web-llm" in u]

    # the default page reaches nothing but this origin; the opted-in one only WebLLM's download origins too
    default, webllm = csp_of(page, f"/app/{TENANT}/local"), csp_of(page, f"/app/{TENANT}/local?model=webllm")
    assert default["connect-src"] == ["'self'"]
    assert not [v for vs in default.values() for v in vs if "http" in v]
    assert webllm["connect-src"] == ["'self'", *WEBLLM_ORIGINS]
    assert {k: v for k, v in webllm.items() if k != "connect-src"} == {
        k: v for k, v in default.items() if k != "connect-src"
    }
    assert csp_of(page, f"/app/{TENANT}/local?model=other")["connect-src"] == ["'self'"]


def test_model_reply_is_validated_and_compiled_like_the_built_in_reader(session, web):
    """The page's question path with a stand-in engine (the real model needs WebGPU and a 1 GB download)."""
    page = open_local(session, query="?model=webllm")
    requests = record_requests(page)
    question = "average order value by channel"
    builtin_rows = ask(page, question)
    builtin_query, builtin_sql = json.loads(page.inner_text("#ask-json")), page.input_value("#sql")

    # (a) a valid query: shown, compiled and run exactly as the built-in reader's same query
    page.evaluate(FAKE_ENGINE, [json.dumps(builtin_query)])
    assert ask(page, question) == builtin_rows
    assert json.loads(page.inner_text("#ask-json")) == builtin_query
    assert page.input_value("#sql") == builtin_sql
    assert page.inner_text("#ask-note") == f"Read by {MODEL} in this tab."
    assert f"question read by {MODEL} in this tab" in page.inner_text("#result [data-role=meta]")
    (request,) = page.evaluate("window.__requests")
    assert request["response_format"] == {"type": "json_object"}
    system, user = request["messages"]
    assert user == {"role": "user", "content": question}
    assert "Table orders:" in system["content"] and "  net_revenue_reporting DECIMAL(18,2)" in system["content"]
    assert '"measures": [{"column"' in system["content"] and "count_distinct" in system["content"]

    # (b) a column the table does not have: the validation's message, then the built-in reader answers
    (expected,) = web.snapshot(TENANT).execute(f"select count(*) from {star(None, 'orders')}").fetchone()
    unknown = {"table": "orders", "measures": [{"column": "foo", "agg": "sum"}], "dimensions": [], "limit": 10}
    page.evaluate(FAKE_ENGINE, [json.dumps(unknown)])
    assert ask(page, "how many orders") == [[f"{expected:,}"]]
    note = page.inner_text("#ask-note")
    assert note.startswith(f"{MODEL}'s answer could not be used: Unknown column 'foo' (measure) in 'orders'"), note
    assert note.endswith("The built-in rules read the question instead.")
    assert json.loads(page.inner_text("#ask-json"))["measures"] == [{"column": "*", "agg": "count"}]

    # (c) not JSON at all: a clear message, then the built-in reader answers
    page.evaluate(FAKE_ENGINE, ["Sure! SELECT count(*) FROM orders"])
    assert ask(page, "how many orders") == [[f"{expected:,}"]]
    note = page.inner_text("#ask-note")
    assert 'its reply is not a JSON object: "Sure! SELECT count(*) FROM orders"' in note, note
    assert "question read in this tab" in page.inner_text("#result [data-role=meta]")
    assert requests == [], [r["url"] for r in requests]


def test_with_webgpu_the_model_is_offered_and_the_opted_in_page_can_start_it(open_session, web):
    s = open_session()
    s.context.add_init_script(FAKE_ADAPTER)  # an adapter as a GPU machine's Chromium would give
    page = s.sign_in(user_of(TENANT), path=f"/app/{TENANT}/local")
    page.wait_for_selector('#model[data-state="available"]')
    offer = page.locator("#model-offer")
    assert offer.is_visible() and page.locator("#model-load").is_hidden()
    text = offer.inner_text()
    assert "Answer with Qwen2.5-Coder in this browser" in text
    assert "about 1 GB" in text and "huggingface.co" in text and "raw.githubusercontent.com" in text
    assert page.locator("#upload-model-note").count() == 0
    s.screenshot("local-model-offer-1280")

    page.click("#model-offer-link")
    page.wait_for_url(f"**/app/{TENANT}/local?model=webllm")
    page.wait_for_selector('#model[data-state="available"]')
    assert page.locator("#model-load").is_visible() and page.locator("#model-offer").is_hidden()
    assert page.locator("#model-button").is_enabled()  # not pressed here: it downloads the weights
    s.screenshot("local-model-opted-in-1280")

    # WebLLM's module runs under this page's CSP, and the model it fetches comes from the allowed origins only
    origins = page.evaluate(
        """async () => {
            const model = await import("/static/app/js/model.js");
            const { prebuiltAppConfig } = await model.library();
            const record = prebuiltAppConfig.model_list.find((m) => m.model_id === model.MODEL_ID);
            return [new URL(record.model).origin, new URL(record.model_lib).origin];
        }"""
    )
    assert origins == ["https://huggingface.co", "https://raw.githubusercontent.com"]
    assert set(origins) <= set(csp_of(page, page.url)["connect-src"])


def test_only_webllm_browser_bundle_is_served(web):
    assert allowed("@mlc-ai/web-llm/lib/index.js")
    for path in (
        "@mlc-ai/web-llm/lib/index.js.map",
        "@mlc-ai/web-llm/lib/index.d.ts",
        "@mlc-ai/web-llm/package.json",
        "@mlc-ai/web-llm/README.md",
        "@mlc-ai/web-llm/lib/engine.d.ts",
        "loglevel/lib/loglevel.js",
    ):
        assert not allowed(path), path
    with httpx.Client(base_url=web.base) as client:
        bundle = client.get("/static/vendor/@mlc-ai/web-llm/lib/index.js")
        assert client.get("/static/vendor/@mlc-ai/web-llm/lib/index.js.map").status_code == 404
        assert client.get("/static/vendor/@mlc-ai/web-llm/package.json").status_code == 404
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert b"CreateMLCEngine" in bundle.content
