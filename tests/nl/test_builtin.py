"""The built-in interpreter on the demo tenants' real vocabularies: what it reads, what it refuses, and
that a tenant's vocabulary holds only its own data."""

from __future__ import annotations

import statistics
import time
from datetime import date

import nl_fixtures
import pytest

from gata.nl.builtin import BuiltinInterpreter
from gata.nl.text import normalise, stem, tokens
from gata.nl.vocabulary import MODEL_PRIORITY

answers = nl_fixtures.answers  # the in-process answer service fixture

TODAY = date(2026, 11, 26)
ONE = BuiltinInterpreter()


def read(answers, tenant: str, question: str):
    return ONE.interpret(question, answers.vocabulary(tenant), TODAY)


def test_text_normalisation_and_stems():
    assert normalise("  ROAS on Facebook's  campaigns | C01 ") == "roas on facebook campaigns c01"
    assert [t.stem for t in tokens("campaigns countries status sales")] == ["campaign", "country", "status", "sale"]
    assert [t.text for t in tokens("t.co; drop")] == ["t.co", ";", "drop"]
    assert stem("ads") == "ads" and stem("roas") == "roa"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What was our ROAS on Facebook last month by campaign?",
            {
                "model": "ad_performance",
                "dimensions": ["campaign_name"],
                "measures": ["platform_roas"],
                "filters": [{"field": "source_platform", "value": "facebook_ads"}],
                "date_range": {"relative": "last_month"},
            },
        ),
        ("cost per platform", {"model": "ad_performance", "dimensions": ["source_platform"], "measures": ["spend"]}),
        ("sales yesterday", {"model": "orders", "measures": ["revenue"], "date_range": {"relative": "yesterday"}}),
        ("conversion rate per device",
         {"model": "sessions", "dimensions": ["device_category"], "measures": ["conversion_rate"]}),
        ("weekly AOV", {"model": "orders", "measures": ["aov"], "time_grain": "week"}),
        (
            "worst 2 campaigns by ROAS",
            {
                "model": "ad_performance",
                "dimensions": ["campaign_name"],
                "measures": ["platform_roas", "spend", "conversions_value"],  # a ranking shows what ROAS is made of
                "order_by": [{"field": "platform_roas"}],  # asc is the default
                "limit": 2,
            },
        ),
        (
            "best campaign by CPC",  # lower is better for a cost
            {
                "model": "ad_performance",
                "dimensions": ["campaign_name"],
                "measures": ["cpc", "spend", "clicks"],
                "order_by": [{"field": "cpc"}],
                "limit": 1,
            },
        ),
        (
            "sessions from Germany or France on mobile",
            {
                "model": "sessions",
                "measures": ["sessions"],
                "filters": [
                    {"field": "geo_country", "op": "in", "value": ["Germany", "France"]},
                    {"field": "device_category", "value": "mobile"},
                ],
            },
        ),
        (
            "clicks over 500 by campaign",
            {
                "model": "ad_performance",
                "dimensions": ["campaign_name"],
                "measures": ["clicks"],
                "filters": [{"field": "clicks", "op": "gt", "value": 500}],
            },
        ),
        ("spend by campaign status",
         {"model": "ad_performance", "dimensions": ["campaigns.campaign_status"], "measures": ["spend"]}),
    ],
)  # fmt: skip
def test_reads_questions_into_structured_queries(answers, question, expected):
    r = read(answers, "tyrell_corp", question)
    assert r.answered, r.problem
    assert r.query.model_dump(mode="json", by_alias=True, exclude_defaults=True) == expected


@pytest.mark.parametrize(
    ("question", "unmapped"),
    [
        ("what's the weather in Paris", ["weather", "paris"]),
        ("spend by horoscope", ["horoscope"]),
        ("revenue for wayne enterprises", ["wayne", "enterprises"]),
    ],
)
def test_words_it_cannot_map_are_named_not_ignored(answers, question, unmapped):
    r = read(answers, "tyrell_corp", question)
    assert not r.answered and r.unmapped == unmapped
    assert all(f"'{w}'" in r.problem for w in unmapped)


@pytest.mark.parametrize(
    "question",
    ["delete all data", "'; DROP TABLE users; --", "update spend set value = 0", "select * from fct_x union select 1"],
)
def test_requests_to_change_data_or_sql_are_refused(answers, question):
    r = read(answers, "stark_industries", question)
    assert not r.answered and "read-only" in r.problem


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ("revenue in March and in April", "two periods"),
        ("daily revenue vs previous period", "cannot also be split"),
        ("spend on mobile", "not found together in any one model"),
        ("facebook last week", "what to measure"),
        ("", "empty"),
    ],
)
def test_questions_that_cannot_be_answered_as_asked_say_why(answers, question, problem):
    r = read(answers, "tyrell_corp", question)
    assert not r.answered and problem in r.problem


def test_a_tenants_vocabulary_holds_only_its_own_values(answers):
    vocabularies = {slug: answers.vocabulary(slug) for slug in ("tyrell_corp", "wayne_enterprises", "stark_industries")}
    for slug, vocab in vocabularies.items():
        cur = answers.semantic.snapshot(slug).cursor()  # this process holds the file open already
        own = {r[0] for r in cur.execute(f'select campaign_name from "dim_{slug}__campaigns"').fetchall()}
        cur.close()
        known = {m.value for ms in vocab.phrases.values() for m in ms if m.kind == "value"}
        assert own <= known
        for other, other_vocab in vocabularies.items():
            if other != slug:
                theirs = set(other_vocab.values[("campaigns", "campaign_name")]) - own
                assert theirs and not theirs & known, f"{slug} knows {other}'s campaigns"
    wayne = read(answers, "wayne_enterprises", "spend on the Holiday Promo campaign")  # a tyrell campaign
    assert not wayne.answered and wayne.unmapped == ["holiday", "promo"]


def test_same_question_same_query_and_models_in_priority_order(answers):
    first = read(answers, "wayne_enterprises", "top 3 campaigns by conversions last week").query
    assert all(
        read(answers, "wayne_enterprises", "top 3 campaigns by conversions last week").query == first for _ in range(3)
    )
    assert first.model == MODEL_PRIORITY[0]  # conversions exist in ad performance and sessions: the first wins


def test_interpreting_takes_well_under_50_ms(answers):
    vocab = answers.vocabulary("tyrell_corp")
    questions = ["top 5 campaigns by spend last 30 days", "conversion rate by device", "weather in paris"]
    times = []
    for _ in range(20):
        for q in questions:
            started = time.perf_counter()
            ONE.interpret(q, vocab, TODAY)
            times.append((time.perf_counter() - started) * 1000)
    assert statistics.median(times) < 50
