"""The tolerant reader on real snapshots: filler ignored but meaning-changing words never, misspellings
corrected and said, ambiguous words read with a stated default and the alternatives offered (answerable),
sources and kinds of data a tenant does not have refused with what exists, calendar comparisons, and
rankings with their context."""

from __future__ import annotations

from datetime import UTC, datetime

import nl_fixtures
import pytest

from gata.nl.grammar import AMBIGUOUS, CONTEXT
from gata.nl.served_grammar import grammar_json

answers = nl_fixtures.answers

TODAY = datetime.now(UTC).date()


def ask(answers, question: str, tenant: str = "tyrell_corp"):
    return answers.ask(tenant, question, TODAY)


def test_ambiguous_roas_states_its_reading_and_offers_the_others(answers):
    a = ask(answers, "best ROAS")
    assert a.answered and a.query.model == "ad_performance"
    assert a.query.measures == ["platform_roas", "spend", "conversions_value"]  # the figure with what it is made of
    note = next(n for n in a.explanation.notes if "read as" in n)
    assert "platform-reported ROAS" in note and "attributed ROAS" in note and "MER" in note
    assert {"best attributed ROAS", "best MER", "best ROAS by campaign"} <= set(a.suggestions)
    for s in a.suggestions:  # one click each: every alternative is answered
        assert ask(answers, s).answered, s
    attributed = ask(answers, "best attributed ROAS")
    assert attributed.query.model == "blended" and attributed.query.measures[0] == "attributed_roas"
    assert ask(answers, "best MER").query.measures[0] == "mer"
    # each named reading is read as itself, with no ambiguity left to state
    for question, model, measure in (
        ("platform ROAS last 30 days", "ad_performance", "platform_roas"),
        ("attributed ROAS last 30 days", "blended", "attributed_roas"),
        ("MER last 30 days", "business", "mer"),
        ("revenue over spend last 30 days", "business", "mer"),
    ):
        named = ask(answers, question)
        assert (named.query.model, named.query.measures) == (model, [measure]), question
        assert not any("read as" in n for n in named.explanation.notes), (question, named.explanation.notes)


def test_ambiguous_cpa_states_its_reading_and_offers_cost_per_order(answers):
    a = ask(answers, "CPA by platform last 30 days")
    assert a.answered and (a.query.model, a.query.measures) == ("ad_performance", ["platform_cpa"])
    assert any("platform-reported CPA" in n and "attributed cost per order" in n for n in a.explanation.notes)
    assert "attributed cost per order by platform last 30 days" in a.suggestions
    other = ask(answers, "attributed cost per order by platform last 30 days")
    assert (other.query.model, other.query.measures) == ("blended", ["attributed_cost_per_order"])


def test_the_ambiguity_table_is_data(answers):
    """A fourth ROAS is a row of the table: the reader offers whatever the table lists that the tenant has."""
    candidates = AMBIGUOUS["roas"]["candidates"]
    extra = {
        "model": "blended",
        "measure": "attributed_cost_per_order",
        "reading": "cost per order (test row)",
        "ask": "CPO",
    }
    candidates.append(extra)
    try:
        a = ask(answers, "ROAS by platform last 30 days")
        assert any("cost per order (test row)" in n for n in a.explanation.notes)
        assert "CPO by platform last 30 days" in a.suggestions
    finally:
        candidates.remove(extra)


def test_rankings_show_the_measure_ranked_by_and_its_context(answers):
    a = ask(answers, "top 3 campaigns by CPA last 30 days")
    assert a.query.order_by[0].field == "platform_cpa"
    assert a.query.measures == ["platform_cpa", *CONTEXT["platform_cpa"]]
    assert {c.name for c in a.columns} >= {"campaign_name", "platform_cpa", "spend", "conversions"}
    plain = ask(answers, "top 3 campaigns by spend last 30 days")
    assert plain.query.measures == ["spend"]  # a plain sum needs no context


def test_this_month_vs_last_month_compares_whole_calendar_months(answers):
    for question in ("compare revenue this month vs last month", "compare this month's spend to last month"):
        a = ask(answers, question)
        assert a.answered, a.message
        q = a.query
        start = TODAY.replace(day=1)
        previous = (start.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
        assert q.time_grain == "month" and (q.date_range.start, q.date_range.end) == (previous, TODAY)
        assert any("whole of last month" in n for n in a.explanation.notes)
        assert len(a.rows) == 2  # last month, whole; this month to date


@pytest.mark.parametrize(
    ("question", "named", "exists"),
    [
        ("cost per click on tiktok this week", "tiktok", "facebook_ads"),
        ("spend on linkedin last month", "linkedin", "google_ads"),
        ("top 5 products by revenue", "product", "campaign"),
        # no model has a new/returning split: the nearest measures are named, and asked about
        ("new vs returning customers", "returning", "new customers (blended performance)"),
        ("customer retention by month", "retention", "first seen (users)"),
    ],
)
def test_what_the_tenant_does_not_have_is_refused_with_what_exists(answers, question, named, exists):
    a = ask(answers, question)
    assert not a.answered and named in a.message.lower() and exists in a.message.lower()
    assert a.suggestions and all(ask(answers, s).answered for s in a.suggestions)


def test_a_measure_per_a_measure_is_its_ratio_or_refused(answers):
    """Never the two sums side by side as if they were the answer."""
    assert ask(answers, "spend per click by platform last 30 days").query.measures == ["cpc"]
    ranked = ask(answers, "top 3 campaigns by spend per click last 30 days").query
    assert ranked.order_by[0].field == "cpc" and ranked.measures == ["cpc", *CONTEXT["cpc"]]
    assert ask(answers, "revenue per order last month").query.measures == ["aov"]
    refused = ask(answers, "spend per impression last week")  # CPM is per thousand impressions
    assert not refused.answered and "spend per impression" in refused.message.lower()


def test_values_compared_are_shown_side_by_side(answers):
    """'facebook vs google' is one row each; 'facebook and google' alone is their total."""
    for question in ("spend facebook vs google last week", "compare spend on facebook and google last week"):
        q = ask(answers, question).query
        assert q.dimensions == ["source_platform"] and sorted(q.filters[0].value) == ["facebook_ads", "google_ads"]
    assert ask(answers, "spend on facebook and google last week").query.dimensions == []


def test_the_us_is_a_country_not_a_dropped_pronoun(answers):
    q = ask(answers, "sessions in the us last week").query
    assert [(f.field, f.value) for f in q.filters] == [("geo_country", "United States")]
    assert ask(answers, "show us sessions last week").query.filters == []


def test_meaning_changing_words_are_never_ignored(answers):
    plain = ask(answers, "spend on facebook last week").query
    for question in ("spend not on facebook last week", "spend except facebook last week"):
        q = ask(answers, question).query
        assert q.filters[0].op == "ne" and q.filters[0].value == "facebook_ads" and q.filters != plain.filters
    assert ask(answers, "top 3 campaigns by spend").query.limit == 3
    assert ask(answers, "top 7 campaigns by spend").query.limit == 7
    over = ask(answers, "campaigns with more than 100 clicks last 30 days").query
    assert any(f.op == "gt" and f.value == 100 for f in over.filters)
    assert ask(answers, "revenue this week").query.date_range != ask(answers, "revenue last week").query.date_range


def test_filler_and_misspellings_are_read_and_said(answers):
    a = ask(answers, "um so what was our spned on facebok yesterday please")
    assert a.answered, a.message
    assert a.query.measures == ["spend"] and a.query.filters[0].value == "facebook_ads"
    assert {"read 'spned' as 'spend'", "read 'facebok' as 'facebook'"} <= set(a.explanation.notes)
    assert ask(answers, "how much did we make yesterday").query.measures == ["revenue"]
    assert ask(answers, "revenue all time").query.date_range is None
    # a request ("can you pull", "could you show me") reads as the bare question
    bare = ask(answers, "clicks on google last month").query
    for question in ("can you pull clicks for google last month", "could you show me the clicks on google last month"):
        assert ask(answers, question).query == bare, question
    # "the period before" compares, as "the previous period" does
    before = ask(answers, "spend last 7 days compared with the period before").query
    assert before.compare == "previous_period" and before.date_range.relative == "last_7_days"
    # a word near no known word stays unknown, and is named
    r = ask(answers, "spend by horoscope")
    assert not r.answered and "horoscope" in r.message


def test_the_grammar_the_browser_runs_is_the_servers(answers):
    vocab = answers.vocabulary("stark_industries")
    g = grammar_json(vocab)
    assert g["tenant"] == "stark_industries" and g["version"] == vocab.version
    assert "roa" in g["ambiguous"]  # keyed as the matcher spells it
    phrases = dict((k, v) for k, v in g["phrases"])
    assert phrases["spend"][0][:3] == ["measure", "ad_performance", "spend"]
    assert g["local"]["ad_performance"]["measures"]["spend"] == 'SUM("spend_reporting")'
    own = set(vocab.values[("campaigns", "campaign_name")])
    served = {m[4] for ms in phrases.values() for m in ms if m[0] == "value" and m[2] == "campaign_name"}
    assert own <= served  # the tenant's own values only
    assert not served - set(vocab.values[("ad_performance", "campaign_name")]) - own
