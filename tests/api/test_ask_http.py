"""`POST /semantic-layer/{tenant}/ask` over real HTTP: answers with their query, explanation, rows and chart;
refusals with suggestions (200, `answered: false`); bad requests as 422; never a 5xx, never another
tenant's data."""

from __future__ import annotations

import pytest
from test_isolation import DEMO, _foreign_markers


def ask(served, question, who="tyrell_corp", tenant="tyrell_corp", **extra):
    with served.client(who) as c:
        return c.post(f"/semantic-layer/{tenant}/ask", json={"question": question, **extra})


def test_an_answer_carries_query_explanation_rows_and_chart(served):
    r = ask(served, "top 3 campaigns by spend last 14 days")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answered"] and body["interpreter"] == "builtin"
    assert body["query"]["model"] == "ad_performance" and body["query"]["limit"] == 3
    assert body["explanation"]["measures"] == ["Spend"] and body["explanation"]["dimensions"] == ["Campaign"]
    assert "last 14 days" in body["explanation"]["period"]
    assert [c["name"] for c in body["columns"]] == ["campaign_name", "spend"]
    assert body["row_count"] == len(body["rows"]) == 3
    spends = [row["spend"] for row in body["rows"]]
    assert spends == sorted(spends, reverse=True)
    assert body["chart"] == {"kind": "bar", "title": body["explanation"]["text"], "x": "campaign_name",
                             "y": ["spend"], "series": None, "format": "currency"}  # fmt: skip
    # the same structured query through /query gives the same rows
    with served.client("tyrell_corp") as c:
        direct = c.post("/semantic-layer/tyrell_corp/query", json=body["query"]).json()
    assert direct["rows"] == body["rows"] and body["date_range"] == direct["date_range"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("daily revenue last 14 days", "line"),
        ("revenue this month vs previous period", "number"),
        ("sessions by device", "bar"),
        ("spend by platform and campaign", "table"),
    ],
)
def test_chart_kinds(served, question, kind):
    body = ask(served, question, "stark_industries", "stark_industries").json()
    assert body["answered"], body["message"]
    assert body["chart"]["kind"] == kind
    if kind == "line":
        days = [r["order_date"] for r in body["rows"]]
        assert days == sorted(days) and body["chart"]["x"] == "order_date"
    if kind == "number":
        assert body["row_count"] == 1 and body["chart"]["y"][0] == "revenue"


@pytest.mark.parametrize(
    "question",
    [
        "What's the weather in Paris?",
        "delete all data",
        "'; DROP TABLE fct_tyrell_corp__orders; --",
        "' OR 1=1 --",
        "show me stark industries revenue",
    ],
)
def test_unanswerable_questions_are_refused_with_suggestions(served, question):
    r = ask(served, question)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answered"] is False and body["rows"] == [] and body["query"] is None and body["chart"] is None
    assert body["message"] and len(body["suggestions"]) >= 3
    for suggestion in body["suggestions"]:  # every suggestion is answerable
        assert ask(served, suggestion).json()["answered"], suggestion


@pytest.mark.parametrize("owner", DEMO)
def test_questions_naming_another_tenants_campaigns_return_nothing_of_them(served, owner):
    markers = _foreign_markers(served, owner)
    for other, names in markers.items():
        campaign = sorted(n for n in names if n != other)[0]
        r = ask(served, f"spend for the {campaign} campaign", owner, owner)
        assert r.status_code == 200 and r.json()["answered"] is False, r.text
        assert r.json()["unmapped"]
        r = ask(served, "spend by campaign", owner, owner)
        assert r.json()["answered"] and not [m for m in names if m in r.text], f"{owner} sees {other}'s data"
        # asking another tenant's endpoint with this tenant's key is not found, like every other endpoint
        r = ask(served, "spend by campaign", owner, other)
        assert r.status_code == 404 and r.json() == {"detail": f"tenant '{other}' not found"}


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "spend " * 100}, "question"),
        ({}, "question"),
        ({"question": "spend", "interpreter": "gpt"}, "interpreter"),
        ({"question": "spend", "extra": 1}, "extra"),
    ],
)
def test_malformed_requests_are_422_naming_the_field(served, body, where):
    with served.client("tyrell_corp") as c:
        r = c.post("/semantic-layer/tyrell_corp/ask", json=body)
    assert r.status_code == 422, r.text
    assert any(where in err["loc"] for err in r.json()["detail"])


def test_llm_without_configuration_is_a_400_and_no_key_is_401(served):
    r = ask(served, "spend by platform", interpreter="llm")
    assert r.status_code == 400 and "GATA_LLM_BASE_URL" in r.json()["detail"]
    r = ask(served, "spend by platform", who=None)
    assert r.status_code == 401


def test_openapi_documents_the_ask_endpoint(served):
    with served.client() as c:
        spec = c.get("/openapi.json").json()
    op = spec["paths"]["/semantic-layer/{tenant}/ask"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskRequest")
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Answer")
    assert {"answered", "query", "explanation", "chart", "suggestions"} <= set(
        spec["components"]["schemas"]["Answer"]["properties"]
    )
