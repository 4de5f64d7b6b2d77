"""Red-team findings 3, 4, 8 and 11 against real `gata serve` processes: request limits before parsing or
authentication, query limits, the statement timeout, per-tenant admission (429 + Retry-After), the 500s that are
now clear 4xx, the Arrow export streamed and capped, and the dashboard's data-span read under the tenant's quota."""

from __future__ import annotations

import contextlib
import random
import re
import socket
import time
from urllib.parse import urlsplit

import httpx
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from abuse_clients import costliest_query
from conftest import Served, create_user, password_of, server_log, sign_in_over_the_form, start_server, user_of
from gata.api.app import create_app
from gata.settings import Settings
from gata.workspace import Workspace

TENANT, OTHER = "tyrell_corp", "wayne_enterprises"
QUERY = {"model": "ad_performance", "dimensions": ["campaign_name"], "measures": ["spend"]}


def _raw(base: str, request: bytes, send_all: bool = True) -> tuple[bytes, float]:
    """Send raw HTTP bytes, read the answer; (answer, seconds until its first bytes)."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as s:
        started = time.perf_counter()
        with contextlib.suppress(OSError):  # the server may refuse and close before the body is sent
            s.sendall(request)
        answer = s.recv(65536)
        seconds = time.perf_counter() - started
        # the head and the body may come in separate packets; the server closes after a refusal
        with contextlib.suppress(OSError):
            while chunk := s.recv(65536):
                answer += chunk
        return answer, seconds


# --- finding 3: the body is limited before any parsing or authentication ------------------------------------


def test_an_oversized_body_without_a_key_is_refused_from_its_content_length(served: Served):
    """Declared 50 MB, sent nothing of it: the 413 comes at once (before, the server read and parsed it all)."""
    head = (
        f"POST /semantic-layer/{TENANT}/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 50000000\r\n\r\n"
    ).encode()
    answer, seconds = _raw(served.base, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request body over 1000000 bytes" in answer
    assert seconds < 2


def test_oversized_bodies_are_refused_by_the_protocol_paced_and_summarized_in_the_log(served: Served):
    """The 413 is written from the headers; the connection is then held a second, unread, before it closes (a
    client sending them one after another gets one a second, not hundreds), and the log gets one summary line,
    not an access-log line per refusal."""
    proc, base = start_server(served.ws)
    url = urlsplit(base)
    head = (
        f"POST /semantic-layer/{TENANT}/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 50000000\r\n\r\n"
    ).encode()
    try:
        for _ in range(3):
            with socket.create_connection((url.hostname, url.port), timeout=30) as s:
                started = time.perf_counter()
                s.sendall(head + b"x" * 65536)
                answer = s.recv(65536)
                answered = time.perf_counter() - started
                with contextlib.suppress(OSError):  # closed with the body unread: a reset
                    while s.recv(65536):
                        pass
                closed = time.perf_counter() - started
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
            assert answered < 0.5, f"the refusal took {answered:.2f} s"
            assert 0.9 <= closed < 5, f"the refused connection closed after {closed:.2f} s"
        log = server_log(proc)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert log.count("refused") == 1, log[-2000:]
    assert "refused 1 request bodies over 1000000 bytes" in log
    assert '" 413' not in log, "a refusal got an access-log line"


def test_the_middleware_refuses_a_declared_oversized_body_under_any_server(tmp_path):
    """Where the app runs without GATA's protocol (another ASGI server, the test client), the middleware answers."""
    with TestClient(create_app(Workspace.resolve(tmp_path), Settings())) as client:
        r = client.post(f"/semantic-layer/{TENANT}/query", content=b"x" * 1_000_001)
    assert r.status_code == 413
    assert r.json() == {"detail": "request body over 1000000 bytes"}


def test_a_chunked_body_is_read_only_up_to_the_limit(served: Served):
    def chunks():
        for _ in range(40):  # 40 MB if read to the end
            yield b"x" * 1_000_000

    started = time.perf_counter()
    try:
        r = httpx.post(f"{served.base}/semantic-layer/{TENANT}/query", content=chunks(), timeout=60)
        status = r.status_code
    except httpx.HTTPError:  # the server answered 413 and closed while the client was still sending
        status = 413
    assert status == 413
    assert time.perf_counter() - started < 10


def test_headers_over_the_limit_get_431(served: Served):
    r = httpx.get(f"{served.base}/health", headers={"X-Padding": "a" * 20_000})
    assert r.status_code == 431


def test_json_nested_deeper_than_the_limit_is_refused_before_parsing(served: Served):
    body = '{"model": "orders", "measures": ["revenue"], "x": ' + "[" * 200 + "]" * 200 + "}"
    r = httpx.post(
        f"{served.base}/semantic-layer/{TENANT}/query",
        content=body,
        headers={**served.headers(TENANT), "Content-Type": "application/json"},
    )
    assert r.status_code == 400 and "nested deeper than 32" in r.json()["detail"]


# --- finding 4: query limits, statement timeout, per-tenant admission ----------------------------------------


@pytest.mark.parametrize(
    "filters, message",
    [
        ([{"or": [{"field": "campaign_name", "op": "ne", "value": f"c{i}"} for i in range(31)]}], "30 conditions"),
        (
            [{"field": "campaign_name", "op": "in", "value": [f"c{i}" for i in range(300)]}] * 2,
            "more than 500 values",
        ),
        ([{"field": "campaign_name", "op": "eq", "value": "x" * 501}], "longer than 500 characters"),
    ],
)
def test_query_limits(served: Served, filters, message):
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/query", json={**QUERY, "filters": filters})
    assert r.status_code == 422 and message in r.text


def test_a_statement_running_past_the_timeout_is_interrupted(server, served: Served):
    """The costliest allowed query (20 dimensions, ten years compared with the ten before) runs ~100 ms in DuckDB:
    with a 20 ms timeout it is interrupted, and the server goes on. Compiling it is not what is timed: its
    compile limit is lifted so a busy machine's slow compile is not mistaken for the statement's timeout."""
    base = server(GATA_QUERY_TIMEOUT="0.02", GATA_RESULT_CACHE="false", GATA_COMPILE_TIMEOUT="600")
    with httpx.Client(base_url=base, headers=served.headers(TENANT), timeout=120) as c:
        doc = c.get(f"/semantic-layer/{TENANT}/models/events").json()
        r = c.post(f"/semantic-layer/{TENANT}/query", json=costliest_query(doc, random.Random(7)))
        assert r.status_code == 503, r.text[:300]
        assert "ran longer than 0.02 s and was stopped" in r.json()["detail"]
        assert int(r.headers["retry-after"]) > 0
        assert c.get(f"/semantic-layer/{TENANT}/models").status_code == 200


def test_a_tenant_over_its_rate_gets_429_with_retry_after_and_others_do_not(server, served: Served):
    base = server(GATA_TENANT_RATE="0.2", GATA_TENANT_BURST="2", GATA_TENANT_WAIT="0")
    with httpx.Client(base_url=base, headers=served.headers(TENANT), timeout=60) as c:
        statuses = [c.post(f"/semantic-layer/{TENANT}/query", json=QUERY) for _ in range(4)]
    assert [r.status_code for r in statuses[:2]] == [200, 200]
    refused = statuses[-1]
    assert refused.status_code == 429 and f"tenant '{TENANT}'" in refused.json()["detail"]
    assert int(refused.headers["retry-after"]) >= 1
    with httpx.Client(base_url=base, headers=served.headers(OTHER), timeout=60) as c:
        assert c.post(f"/semantic-layer/{OTHER}/query", json=QUERY).status_code == 200


# --- finding 8: what answered 500 answers a clear 4xx -----------------------------------------------------


@pytest.mark.parametrize(
    "query, status, message",
    [
        (
            {
                "model": "ad_performance",
                "measures": ["spend"],
                "date_range": {"start": "0001-01-01", "end": "0001-01-31"},
                "compare": "previous_period",
            },
            400,
            "starts before year 1",
        ),
        (
            {
                "model": "ad_performance",
                "measures": ["spend"],
                "filters": [{"field": "spend", "op": "gt", "value": 2**70}],
            },
            422,
            "outside the 64-bit integer range",
        ),
        (
            {
                "model": "ad_performance",
                "measures": ["spend"],
                "filters": [{"field": "campaign_name", "value": "a\x00b"}],
            },
            422,
            "NUL character",
        ),
    ],
)
def test_former_500s_are_clear_4xx(served: Served, query, status, message):
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/query", json=query)
    assert r.status_code == status and message in r.text, r.text[:300]


def test_a_date_like_text_value_filters_a_text_field(served: Served):
    """`campaign_name eq "2026-01-15"` was compared as a timestamp (500); it is text, and matches no campaign."""
    with served.client(TENANT) as c:
        query = {**QUERY, "filters": [{"field": "campaign_name", "op": "eq", "value": "2026-01-15"}]}
        r = c.post(f"/semantic-layer/{TENANT}/query", json=query)
        assert r.status_code == 200 and r.json()["rows"] == []
        r = c.post(f"/semantic-layer/{TENANT}/query", json={**query, "filters": [{**query["filters"][0], "op": "ne"}]})
        assert r.status_code == 200 and r.json()["rows"]


@pytest.mark.parametrize(
    "question",
    [
        "top inf campaigns by spend",
        "top 1e400 campaigns by spend",
        "spend from 0001-01-01 to 0001-01-31 vs previous period",
    ],
)
def test_questions_that_answered_500_are_answered_or_refused(served: Served, question):
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/ask", json={"question": question})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["answered"] or body["message"]


# --- NaN / infinity: refused, so they can never share a cached query ----------------------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_filter_values_are_refused(served: Served, literal):
    body = (
        '{"model": "ad_performance", "dimensions": ["campaign_name"], "measures": ["spend"], '
        f'"filters": [{{"field": "spend", "op": "gt", "value": {literal}}}]}}'
    )
    r = httpx.post(
        f"{served.base}/semantic-layer/{TENANT}/query",
        content=body,
        headers={**served.headers(TENANT), "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and "NaN and infinity are refused" in r.text


# --- finding 11: the Arrow export streams and is capped ---------------------------------------------------


def test_the_arrow_export_streams_record_batches_and_caps_its_limit(server, served: Served):
    base = server(GATA_MAX_EXPORT_ROWS="1000")
    with httpx.Client(base_url=base, headers=served.headers(TENANT), timeout=120) as c:
        with c.stream("GET", f"/semantic-layer/{TENANT}/tables/events.arrow") as r:
            assert r.status_code == 200
            assert r.headers.get("transfer-encoding") == "chunked" and "content-length" not in r.headers
            data = pa.ipc.open_stream(r.read()).read_all()
        assert data.num_rows == 1000  # the cap, without a limit
        r = c.get(f"/semantic-layer/{TENANT}/tables/events.arrow", params={"limit": 1001})
        assert r.status_code == 400 and "most rows one export may return (1000)" in r.json()["detail"]
        r = c.get(f"/semantic-layer/{TENANT}/tables/events.arrow", params={"limit": 10})
        assert pa.ipc.open_stream(r.content).read_all().num_rows == 10


# --- the dashboard's data span is one of the tenant's queries ------------------------------------------------


def _dashboard_html(base: str, tenant: str) -> str:
    """The dashboard page as a signed-in user of the tenant gets it (the real sign-in form)."""
    username = user_of(tenant)
    with httpx.Client(base_url=base, timeout=60) as c:
        assert sign_in_over_the_form(c, username, password_of(username))
        page = c.get(f"/app/{tenant}")
    assert page.status_code == 200, page.text[:300]
    return page.text


def test_the_dashboards_data_span_is_read_under_the_tenants_quota(server, served: Served):
    """A tenant at its limit still gets its dashboard, with the standard period instead of its data's span; a
    tenant with room gets the span."""
    create_user(served.ws.root, user_of(TENANT), "--tenant", TENANT)
    base = server(GATA_TENANT_RATE="0.01", GATA_TENANT_BURST="1", GATA_TENANT_WAIT="0")
    with httpx.Client(base_url=base, headers=served.headers(TENANT), timeout=60) as c:
        assert c.post(f"/semantic-layer/{TENANT}/query", json=QUERY).status_code == 200  # its one token spent
        assert c.post(f"/semantic-layer/{TENANT}/query", json=QUERY).status_code == 429
    assert "data-first-day" not in _dashboard_html(base, TENANT)
    roomy = server(GATA_TENANT_RATE="5", GATA_TENANT_BURST="20")
    assert re.search(r'data-first-day="\d{4}-\d{2}-\d{2}"', _dashboard_html(roomy, TENANT))
