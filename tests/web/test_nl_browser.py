"""One grammar: the in-browser reader (reader.js, run in Debian's Chromium) reads the whole evaluation corpus
with the grammar the server serves, and scores the same as the server's interpreter (within one point per
model and split), the produced queries checked by their result on the real semantic layer. On the /local
page a plain question is read with that grammar and answered in the tab with the semantic layer's figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import web_fixtures
from web_fixtures import ADMIN, open_from_dashboard, user_of

from gata.nl.answer import AnswerService
from gata.nl.evaluation import Produced, corpus_cases, evaluate
from gata.semantic.service import SemanticService
from gata.semantic.store import SnapshotStore
from gata.settings import Settings

web, browser, session = web_fixtures.web, web_fixtures.browser, web_fixtures.session

TENANT = "tyrell_corp"
POINT = 0.01

READ_ALL = """async ([cases, today]) => {
    const reader = await import("/static/app/js/reader.js");
    const grammars = {};
    const out = [];
    for (const [tenant, question] of cases) {
        if (!grammars[tenant]) {
            const r = await fetch(`/semantic-layer/${tenant}/grammar`);
            if (!r.ok) throw new Error(`grammar of ${tenant}: ${r.status}`);
            grammars[tenant] = await r.json();
        }
        const g = grammars[tenant];
        const started = performance.now();
        const reading = reader.readSemantic(question, g, today);
        const ms = performance.now() - started;
        out.push({query: reading.query, message: reading.problem || "", ms,
                  suggestions: reading.query ? [] : reader.suggestQuestions(g, today, reading)});
    }
    return out;
}"""


@pytest.fixture(scope="module")
def answers(web):
    svc = AnswerService(SemanticService(SnapshotStore(web.ws)), Settings(_env_file=None))
    yield svc
    svc.semantic.store.close()


def test_the_browser_reads_the_corpus_like_the_server(session, answers):
    today = datetime.now(UTC).date()
    cases = corpus_cases(answers, today)
    page = session.sign_in(ADMIN, path=f"/app/{TENANT}/local")
    page.wait_for_selector('#local[data-state="ready"]', timeout=60_000)
    got = page.evaluate(READ_ALL, [[[c.tenant, c.question] for c in cases], today.isoformat()])
    assert len(got) == len(cases)
    by_case = {id(c): g for c, g in zip(cases, got, strict=True)}

    def browser(case):
        g = by_case[id(case)]
        return Produced(g["query"], g["message"], g["suggestions"])

    server = evaluate(answers, cases, today)
    tab = evaluate(answers, cases, today, read=browser)
    for split in ("dev", "heldout"):
        s, b = server.table(split), tab.table(split)
        assert s.keys() == b.keys()
        for model in s:
            for figure in ("result", "wrong", "refused"):
                ours, theirs = s[model].share(getattr(s[model], figure)), b[model].share(getattr(b[model], figure))
                assert abs(ours - theirs) <= POINT, (split, model, figure, ours, theirs)
    held = tab.table("heldout")["overall"]
    assert held.share(held.result) >= 0.90 and held.share(held.wrong) <= 0.02
    refusals = [o for o in tab.outcomes if o.case.expected is None and o.case.must_name]
    assert refusals and all(o.refusal_ok for o in refusals), [o.detail for o in refusals if not o.refusal_ok]
    times = sorted(g["ms"] for g in got)
    assert times[len(times) // 2] < 5  # reading a question in the tab: p50 well under 5 ms


def ask(page, question: str) -> list[list[str]]:
    page.fill("#question", question)
    page.click("#ask-button")
    page.wait_for_selector('#result[data-state="ready"], #result[data-state="error"]')
    return page.eval_on_selector_all(
        "#result-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )


def test_the_local_page_answers_plain_questions_with_the_semantic_layers_figures(session, answers):
    page = session.sign_in(user_of(TENANT), path=f"/app/{TENANT}/local")
    page.wait_for_selector('#local[data-state="ready"]', timeout=60_000)
    page.select_option("#load-table", "ad_performance")
    page.click("#load-button")
    page.wait_for_selector('#load-status[data-state="ready"]', timeout=60_000)
    today = datetime.now(UTC).date()

    # the question the old reader failed ("Unknown column 'platform_last_14_days'")
    rows = ask(page, "spend by platform last 14 days")
    assert page.get_attribute("#result", "data-state") == "ready", page.inner_text("#result")
    query = answers.interpret(TENANT, "spend by platform last 14 days", today).query
    want = answers.semantic.query(TENANT, query, today).rows
    shown = {platform: float(spend.replace(",", "")) for platform, spend in rows}
    assert shown.keys() == {r["source_platform"] for r in want}
    for r in want:
        assert shown[r["source_platform"]] == pytest.approx(float(r["spend"]), abs=0.01)

    # a ranking by a ratio, with its context, and the ambiguity said
    rows = ask(page, "top 3 campaigns by ROAS last 30 days")
    query = answers.interpret(TENANT, "top 3 campaigns by ROAS last 30 days", today).query
    want = answers.semantic.query(TENANT, query, today).rows
    assert [r[0] for r in rows] == [r["campaign_name"] for r in want]
    assert "platform-reported ROAS" in page.inner_text("#ask-note")

    # what the tenant does not have: refused in the tab, with what exists
    ask(page, "cost per click on tiktok this week")
    assert page.get_attribute("#result", "data-state") == "error"
    message = page.inner_text("#result [data-role=error]")
    assert "not one of your sources" in message and "facebook_ads" in message and "Try:" in message


def test_the_explorer_states_the_reading_of_an_ambiguous_question_and_offers_the_others(session, web):
    page = open_from_dashboard(session, TENANT, "Explorer", "explore", '#explorer[data-state="idle"]')
    page.fill("#question", "best ROAS")
    page.press("#question", "Enter")
    page.wait_for_selector('section.ask[data-state="answered"]')
    text = page.locator("#ask-answer").inner_text()
    assert "platform-reported ROAS" in text and "attributed ROAS" in text and "MER" in text and "all time" in text
    with web.client(TENANT) as client:
        answer = client.post(f"/semantic-layer/{TENANT}/ask", json={"question": "best ROAS"}).json()
    buttons = page.locator("#ask-suggestions button")
    assert buttons.all_inner_texts() == answer["suggestions"] and "best attributed ROAS" in answer["suggestions"]
    buttons.filter(has_text="best attributed ROAS").click()  # one click: the other reading, answered
    page.wait_for_selector('section.ask[data-state="answered"]')
    page.wait_for_function("() => document.querySelector('#query-json').value.includes('attributed_roas')")
    assert page.locator("#question").input_value() == "best attributed ROAS"
