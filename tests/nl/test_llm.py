"""The LLM interpreter against a fake OpenAI-compatible server started here (the model is outside our
stack; the HTTP client, prompt, parsing, validation, repair and fallback are ours and real)."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import nl_fixtures
import pytest

from gata.nl.answer import AnswerService, LlmNotConfigured
from gata.nl.llm import parse_output
from gata.semantic.service import SemanticService
from gata.settings import Settings

answers = nl_fixtures.answers  # the in-process answer service fixture

TENANT = "wayne_enterprises"
GOOD = {"query": {"model": "ad_performance", "dimensions": ["source_platform"], "measures": ["spend"]}}


class FakeLLM:
    """Replies with the scripted contents in turn (the last one repeats); keeps every request body."""

    def __init__(self, replies: list[str], status: int = 200):
        self.replies, self.status, self.requests = list(replies), status, []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                content = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                payload = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
                data = json.dumps(payload).encode() if fake.status == 200 else b"overloaded"
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def llm_answers(answers):
    """An answer service whose default interpreter is an LLM at a fake endpoint (scripted per test)."""
    made = []

    def make(replies: list[str], status: int = 200, url: str | None = None):
        fake = FakeLLM(replies, status)
        made.append(fake)
        settings = Settings(_env_file=None, nl_interpreter="llm", llm_base_url=url or fake.url, llm_model="tiny",
                            llm_api_key="sk-test", llm_timeout=5)  # fmt: skip
        svc = AnswerService(SemanticService(answers.semantic.store), settings)
        svc.vocabularies = answers.vocabularies  # same snapshots: share the built vocabularies
        return svc, fake

    yield make
    for fake in made:
        fake.close()


def test_a_valid_reply_is_used_and_the_prompt_carries_the_catalog(llm_answers):
    svc, fake = llm_answers([json.dumps(GOOD)])
    answer = svc.ask(TENANT, "what did each platform cost?")
    assert answer.answered and answer.interpreter == "llm"
    assert {r["source_platform"] for r in answer.rows} == {"bing_ads", "google_ads"}
    assert answer.chart.kind == "bar"
    req = fake.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-test"
    body = req["body"]
    assert body["model"] == "tiny" and body["temperature"] == 0
    assert body["response_format"]["type"] == "json_schema"
    assert "query" in body["response_format"]["json_schema"]["schema"]["properties"]
    system = body["messages"][0]["content"]
    assert "model ad_performance" in system and "GGL | Shopping | EU | C01" in system, "catalog with own values"
    assert "FB | Catalog Sales" not in system, "never another tenant's values"
    assert datetime.now(UTC).date().isoformat() in system
    assert body["messages"][1] == {"role": "user", "content": "what did each platform cost?"}


def test_a_bare_query_and_a_fenced_reply_are_accepted():
    assert parse_output(json.dumps(GOOD["query"])).query.model == "ad_performance"
    assert parse_output("```json\n" + json.dumps(GOOD) + "\n```").query.measures == ["spend"]


def test_invalid_json_gets_one_repair_round_with_the_error(llm_answers):
    svc, fake = llm_answers(["{model: ad_performance", json.dumps(GOOD)])
    answer = svc.ask(TENANT, "spend by platform")
    assert answer.answered and answer.interpreter == "llm"
    assert "repaired" in " ".join(answer.explanation.notes)
    repair = fake.requests[1]["body"]["messages"]
    assert repair[2] == {"role": "assistant", "content": "{model: ad_performance"}
    assert "not valid JSON" in repair[3]["content"]


def test_a_query_naming_unknown_fields_is_repaired_with_the_validators_message(llm_answers):
    bad = {"query": {"model": "ad_performance", "measures": ["revenue"]}}
    svc, fake = llm_answers([json.dumps(bad), json.dumps(GOOD)])
    assert svc.ask(TENANT, "spend by platform").answered
    assert "unknown field 'revenue'" in fake.requests[1]["body"]["messages"][3]["content"]


def test_another_tenants_value_is_not_accepted_from_the_model(llm_answers):
    foreign = {
        "query": {**GOOD["query"], "filters": [{"field": "campaign_name", "value": "FB | Catalog Sales | NA | C02"}]}
    }
    svc, fake = llm_answers([json.dumps(foreign)])
    answer = svc.ask(TENANT, "spend by platform for catalog sales")
    assert (
        len(fake.requests) == 2 and "not a Campaign in your data" in fake.requests[1]["body"]["messages"][3]["content"]
    )
    assert answer.interpreter.startswith("builtin (llm fallback:") and not answer.answered
    assert "Catalog Sales" not in json.dumps(answer.rows)


def test_garbage_twice_falls_back_to_the_builtin_interpreter(llm_answers):
    svc, fake = llm_answers(["I think you should look at spend.", "still not json"])
    answer = svc.ask(TENANT, "spend by platform last 14 days")
    assert len(fake.requests) == 2
    assert answer.answered and answer.interpreter.startswith("builtin (llm fallback: the reply is not valid JSON")
    assert answer.query.model_dump(exclude_defaults=True)["dimensions"] == ["source_platform"]


@pytest.mark.parametrize("how", ["http error", "unreachable"])
def test_an_unavailable_endpoint_falls_back(llm_answers, how):
    if how == "http error":
        svc, _ = llm_answers([""], status=503)
    else:
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        svc, _ = llm_answers([""], url=f"http://127.0.0.1:{port}/v1")
    answer = svc.ask(TENANT, "orders yesterday")
    assert answer.answered and answer.interpreter.startswith("builtin (llm fallback:")
    assert ("503" in answer.interpreter) == (how == "http error")


def test_the_model_may_decline_and_write_requests_never_reach_it(llm_answers):
    svc, fake = llm_answers([json.dumps({"query": None, "cannot_answer": "weather is not marketing data"})])
    answer = svc.ask(TENANT, "will it rain tomorrow?")
    assert not answer.answered and "weather is not marketing data" in answer.message and answer.suggestions
    asked = len(fake.requests)
    refused = svc.ask(TENANT, "delete all data")
    assert not refused.answered and len(fake.requests) == asked


def test_asking_for_the_llm_without_one_configured_is_an_error(answers):
    with pytest.raises(LlmNotConfigured, match="GATA_LLM_BASE_URL"):
        answers.ask(TENANT, "spend", interpreter="llm")


def test_a_source_the_tenant_does_not_have_is_refused_on_the_llm_path_too(llm_answers):
    """The model filters on TikTok, which wayne_enterprises does not have: the reply is rejected like any
    foreign value, and the refusal is the built-in's, naming TikTok and the platforms the tenant has."""
    tiktok = {"query": {**GOOD["query"], "filters": [{"field": "source_platform", "value": "tiktok_ads"}]}}
    svc, fake = llm_answers([json.dumps(tiktok)])
    answer = svc.ask(TENANT, "cost per click on tiktok this week")
    assert (
        len(fake.requests) == 2 and "not a Platform in your data" in fake.requests[1]["body"]["messages"][3]["content"]
    )
    assert not answer.answered and answer.interpreter.startswith("builtin (llm fallback:")
    assert "tiktok" in answer.message.lower() and "google_ads" in answer.message and answer.suggestions
