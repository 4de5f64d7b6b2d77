"""Every measure of every model, asked through real HTTP, equals hand-written SQL over the star table;
joined dimensions, time grains (also on joined models), relative dates, HAVING and compare too."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

DEMO = ["tyrell_corp", "wayne_enterprises", "stark_industries"]

TENANT = "stark_industries"
CUSTOMER = "coalesce(customer_id, customer_email)"
FUNNEL_STEPS = 5

HAND = {
    "ad_performance": (
        "fct_{s}__ad_performance",
        {
            "spend": "sum(spend_reporting)",
            "impressions": "sum(impressions)",
            "clicks": "sum(clicks)",
            "conversions": "sum(conversions)",
            "conversions_value": "sum(conversions_value_reporting)",
            "ctr": "sum(clicks)::double / nullif(sum(impressions), 0)",
            "cpc": "sum(spend_reporting)::double / nullif(sum(clicks), 0)",
            "cpm": "sum(spend_reporting)::double * 1000 / nullif(sum(impressions), 0)",
            "platform_cpa": "sum(spend_reporting)::double / nullif(sum(conversions), 0)",
            "platform_roas": "sum(conversions_value_reporting)::double / nullif(sum(spend_reporting), 0)",
        },
    ),
    "orders": (
        "fct_{s}__orders",
        {
            "orders": "count(*) filter (where is_revenue)",
            "all_orders": "count(*)",
            "revenue": "sum(total_price_reporting) filter (where is_revenue)",
            "refunds": "sum(total_price_reporting) filter (where is_revenue) - sum(net_revenue_reporting)",
            "net_revenue": "sum(net_revenue_reporting)",
            "aov": "(sum(total_price_reporting) filter (where is_revenue))::double"
            " / count(*) filter (where is_revenue)",
            "customers": f"count(distinct {CUSTOMER}) filter (where is_revenue)",
            "units": "sum(line_item_count) filter (where is_revenue)",
            "refund_rate": "(sum(total_price_reporting) filter (where is_revenue) - sum(net_revenue_reporting))::double"
            " / (sum(total_price_reporting) filter (where is_revenue))",
        },
    ),
    "sessions": (
        "fct_{s}__sessions",
        {
            "sessions": "count(*)",
            "users": "count(distinct user_pseudo_id)",
            "conversions": "count(*) filter (where is_conversion_session)",
            "conversion_rate": "(count(*) filter (where is_conversion_session))::double / count(*)",
            "revenue": "sum(session_revenue_reporting)",
            "revenue_per_session": "sum(session_revenue_reporting)::double / count(*)",
            "avg_session_duration": "avg(session_duration_seconds)",
            "events_per_session": "avg(events_in_session)",
            **{f"funnel_step_{k}": f"count(*) filter (where funnel_depth >= {k})" for k in range(1, FUNNEL_STEPS + 1)},
            "funnel_step_1_rate": "(count(*) filter (where funnel_depth >= 1))::double / count(*)",
            **{
                f"funnel_step_{k}_rate": f"(count(*) filter (where funnel_depth >= {k}))::double"
                f" / nullif(count(*) filter (where funnel_depth >= {k - 1}), 0)"
                for k in range(2, FUNNEL_STEPS + 1)
            },
        },
    ),
    "events": (
        "fct_{s}__events",
        {
            "events": "count(*)",
            "event_users": "count(distinct user_pseudo_id)",
            "event_sessions": "count(distinct session_id)",
            "conversion_events": "count(*) filter (where is_conversion_event)",
            "events_per_user": "count(*)::double / count(distinct user_pseudo_id)",
        },
    ),
    "campaigns": (
        "dim_{s}__campaigns",
        {"campaigns": "count(*)", "active_campaigns": "count(*) filter (where campaign_status = 'active')"},
    ),
    "users": (
        "dim_{s}__users",
        {
            "users": "count(*)",
            "customers": "count(*) filter (where is_customer)",
            "identified_users": "count(*) filter (where user_id is not null or customer_email is not null)",
            "user_orders": "sum(orders)",
            "user_sessions": "sum(sessions)",
            "user_revenue": "sum(revenue_reporting)",
            "revenue_per_customer": "sum(revenue_reporting)::double / nullif(count(*) filter (where is_customer), 0)",
            "customer_rate": "(count(*) filter (where is_customer))::double / count(*)",
        },
    ),
}
GROUP_BY = {
    "ad_performance": "source_platform",
    "orders": "financial_status",
    "sessions": "device_category",
    "events": "event_name",
    "campaigns": "campaign_status",
    "users": "resolution",
}


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def assert_rows_match(api_rows: list[dict], hand_rows: list[tuple], names: list[str]) -> None:
    assert len(api_rows) == len(hand_rows), (api_rows[:3], hand_rows[:3])
    key = names[: len(names)]
    api_sorted = sorted(api_rows, key=lambda r: tuple(str(r[n]) for n in key))
    hand_sorted = sorted(
        hand_rows, key=lambda r: tuple(str(v.isoformat() if hasattr(v, "isoformat") else v) for v in r)
    )
    for got, want in zip(api_sorted, hand_sorted, strict=True):
        for n, w in zip(names, want, strict=True):
            w = w.isoformat() if hasattr(w, "isoformat") else w
            if isinstance(w, str) or isinstance(got[n], str) or isinstance(w, bool):
                assert got[n] == w, (n, got, want)
            else:
                assert close(got[n], w), (n, got[n], w)


def query(served, body: dict, who: str = TENANT, tenant: str = TENANT) -> dict:
    with served.client(who) as c:
        r = c.post(f"/semantic-layer/{tenant}/query", json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("model", list(HAND))
def test_every_measure_equals_hand_written_sql(served, model):
    table, measures = HAND[model]
    table = table.format(s=TENANT)
    with served.client(TENANT) as c:
        listed = {m["name"] for m in c.get(f"/semantic-layer/{TENANT}/models/{model}").json()["measures"]}
    assert listed == set(measures), "every measure of the model has a hand-written check"
    names = list(measures)
    total = query(served, {"model": model, "measures": names})
    grouped = query(served, {"model": model, "dimensions": [GROUP_BY[model]], "measures": names})
    with served.snapshot(TENANT) as con:
        want_total = con.execute(f'select {", ".join(measures.values())} from "{table}"').fetchall()
        dim = GROUP_BY[model]
        want_grouped = con.execute(
            f'select {dim}, {", ".join(measures.values())} from "{table}" group by {dim}'
        ).fetchall()
    assert want_total[0][0] not in (None, 0), "the check runs on real data"
    assert_rows_match(total["rows"], want_total, names)
    assert_rows_match(grouped["rows"], want_grouped, [dim, *names])
    assert total["row_count"] == 1 and grouped["row_count"] == len(want_grouped) > 1


# the platform an ad platform's utm_source names (gata.semantic.derived.PLATFORM_UTM_SOURCES), spelled by hand
UTM_PLATFORM = """case lower(traffic_source) when 'facebook' then 'facebook_ads' when 'fb' then 'facebook_ads'
    when 'instagram' then 'instagram_ads' when 'ig' then 'instagram_ads' when 'google' then 'google_ads'
    when 'adwords' then 'google_ads' when 'bing' then 'bing_ads' when 'microsoft' then 'bing_ads'
    when 'linkedin' then 'linkedin_ads' when 'tiktok' then 'tiktok_ads' when 'amazon' then 'amazon_ads' end"""


def blended_sql(s: str) -> str:
    """The blended view by hand: sessions reach a campaign by platform and name, their orders count at net
    revenue only when the order counts (is_revenue) and its id names one order."""
    return f"""
    with spend as (
        select source_platform, campaign_name, sum(spend_reporting) as spend
        from "fct_{s}__ad_performance" group by all),
    counted as (
        select order_id, net_revenue_reporting from "fct_{s}__orders"
        where is_revenue and order_id in (
            select order_id from "fct_{s}__orders" group by order_id having count(*) = 1)),
    firsts as (
        select order_id from (
            select order_id, row_number() over (partition by {CUSTOMER} order by order_ts, order_id) as n
            from "fct_{s}__orders" where is_revenue) where n = 1),
    names as (select distinct source_platform, campaign_name from "dim_{s}__campaigns"),
    outcomes as (
        select c.source_platform, c.campaign_name, count(*) as sessions, count(o.order_id) as orders,
               sum(o.net_revenue_reporting) as revenue, count(f.order_id) as new_customers
        from "fct_{s}__sessions" se
        join names c on {UTM_PLATFORM.replace("traffic_source", "se.traffic_source")} = c.source_platform
            and se.traffic_campaign = c.campaign_name
        left join counted o on o.order_id = se.transaction_id
        left join firsts f on f.order_id = o.order_id group by all)
    select coalesce(a.source_platform, b.source_platform), coalesce(a.campaign_name, b.campaign_name),
           coalesce(spend, 0), coalesce(sessions, 0), coalesce(orders, 0), coalesce(revenue, 0),
           coalesce(new_customers, 0), coalesce(revenue, 0)::double / nullif(coalesce(spend, 0), 0),
           coalesce(spend, 0)::double / nullif(coalesce(new_customers, 0), 0),
           coalesce(spend, 0)::double / nullif(coalesce(orders, 0), 0)
    from spend a full join outcomes b using (source_platform, campaign_name)
    """


def test_blended_view_equals_hand_written_sql(served):
    names = [
        "spend", "sessions", "orders", "revenue", "new_customers", "attributed_roas", "cac", "attributed_cost_per_order"
    ]  # fmt: skip
    got = query(served, {"model": "blended", "dimensions": ["source_platform", "campaign_name"], "measures": names})
    with served.snapshot(TENANT) as con:
        want = con.execute(blended_sql(TENANT)).fetchall()
        total_spend = con.execute(f'select sum(spend_reporting) from "fct_{TENANT}__ad_performance"').fetchone()[0]
    assert_rows_match(got["rows"], want, ["source_platform", "campaign_name", *names])
    assert close(sum(r["spend"] for r in got["rows"]), total_spend), "blended spend reconciles with ad performance"


@pytest.mark.parametrize(
    ("model", "dimension", "measure", "sql"),
    [
        (
            "ad_performance",
            "campaigns.campaign_name",
            "spend",
            'select c.campaign_name, sum(a.spend_reporting) from "fct_{s}__ad_performance" a '
            'left join "dim_{s}__campaigns" c using (campaign_key) group by 1',
        ),
        (
            "sessions",
            "campaigns.campaign_name",
            "sessions",
            'select c.campaign_name, count(*) from "fct_{s}__sessions" x left join "dim_{s}__campaigns" c '
            "on x.traffic_campaign = c.campaign_name and c.source_platform = "
            + UTM_PLATFORM.replace("traffic_source", "x.traffic_source").replace("{", "{{").replace("}", "}}")
            + " group by 1",
        ),
        (
            "orders",
            "users.resolution",
            "revenue",
            'select u.resolution, sum(o.total_price_reporting) filter (where o.is_revenue) from "fct_{s}__orders" o '
            'left join "dim_{s}__users" u on o.customer_id = u.user_id group by 1',
        ),
        # sessions and events reach the person identity resolution tied their device to, not the login id alone
        (
            "sessions",
            "users.resolution",
            "sessions",
            'select u.resolution, count(*) from "fct_{s}__sessions" x left join "dim_{s}__users" u using (user_key) '
            "group by 1",
        ),
        (
            "events",
            "users.resolution",
            "events",
            'select u.resolution, count(*) from "fct_{s}__events" x left join "dim_{s}__users" u using (user_key) '
            "group by 1",
        ),
    ],
)
def test_joined_dimensions(served, model, dimension, measure, sql):
    got = query(served, {"model": model, "dimensions": [dimension], "measures": [measure]})
    with served.snapshot(TENANT) as con:
        want = con.execute(sql.format(s=TENANT)).fetchall()
    assert len(want) > 1
    assert_rows_match(got["rows"], want, [dimension, measure])
    assert got["columns"][0]["name"] == dimension


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
@pytest.mark.parametrize("joined", [False, True])
def test_time_grains_also_on_joined_models(served, grain, joined):
    dims = ["campaigns.campaign_status"] if joined else []
    got = query(served, {"model": "ad_performance", "dimensions": dims, "measures": ["spend"], "time_grain": grain})
    group = ", c.campaign_status" if joined else ""
    with served.snapshot(TENANT) as con:
        want = con.execute(
            f"select date_trunc('{grain}', report_date)::date as d{group}, sum(spend_reporting) "
            f'from "fct_{TENANT}__ad_performance" a left join "dim_{TENANT}__campaigns" c using (campaign_key) '
            f"group by all"
        ).fetchall()
    names = ["report_date", *dims, "spend"]
    assert [c["name"] for c in got["columns"]] == names
    assert_rows_match(got["rows"], want, names)
    days = [r["report_date"] for r in got["rows"]]
    assert days == sorted(days), "a time series comes back in time order"
    if grain != "day":
        assert all(date.fromisoformat(d) == date.fromisoformat(d).replace(day=1) or grain == "week" for d in days)


def _today() -> date:
    return datetime.now(UTC).date()


@pytest.mark.parametrize(
    ("relative", "start", "end"),
    [
        ("last_7_days", lambda t: t - timedelta(days=7), lambda t: t - timedelta(days=1)),
        ("yesterday", lambda t: t - timedelta(days=1), lambda t: t - timedelta(days=1)),
        ("today", lambda t: t, lambda t: t),
        ("this_month", lambda t: t.replace(day=1), lambda t: t),
        (
            "last_week",
            lambda t: t - timedelta(days=t.weekday() + 7),
            lambda t: t - timedelta(days=t.weekday() + 1),
        ),
    ],
)
def test_relative_date_ranges(served, relative, start, end):
    today = _today()
    got = query(served, {"model": "sessions", "measures": ["sessions"], "date_range": {"relative": relative}})
    lo, hi = start(today), end(today)
    assert got["date_range"] == {"start": lo.isoformat(), "end": hi.isoformat()}
    with served.snapshot(TENANT) as con:
        want = con.execute(
            f'select count(*) from "fct_{TENANT}__sessions" where session_date between ? and ?', [lo, hi]
        ).fetchone()[0]
    assert got["rows"][0]["sessions"] == want
    if relative == "last_7_days":
        assert want > 0


def test_having_filters_groups_after_aggregation(served):
    with served.snapshot(TENANT) as con:
        per_campaign = con.execute(
            f'select campaign_name, sum(spend_reporting) from "fct_{TENANT}__ad_performance" group by 1'
        ).fetchall()
    threshold = sorted(float(v) for _, v in per_campaign)[len(per_campaign) // 2]
    got = query(
        served,
        {
            "model": "ad_performance",
            "dimensions": ["campaign_name"],
            "measures": ["clicks"],
            "filters": [{"field": "spend", "op": "gte", "value": threshold}],
        },
    )
    want = {n for n, v in per_campaign if float(v) >= threshold}
    assert {r["campaign_name"] for r in got["rows"]} == want and 0 < len(want) < len(per_campaign)
    assert all(r["spend"] >= threshold for r in got["rows"])


def test_and_or_groups(served):
    body = {
        "model": "sessions",
        "measures": ["sessions"],
        "filters": [
            {
                "or": [
                    {"field": "device_category", "op": "eq", "value": "mobile"},
                    {"field": "geo_country", "op": "in", "value": ["DE", "FR"]},
                ]
            },
            {"field": "traffic_medium", "op": "ne", "value": "(none)"},
        ],
    }
    got = query(served, body)
    with served.snapshot(TENANT) as con:
        want = con.execute(
            f"select count(*) from \"fct_{TENANT}__sessions\" where (device_category = 'mobile' "
            "or geo_country in ('DE', 'FR')) and traffic_medium <> '(none)'"
        ).fetchone()[0]
    assert got["rows"][0]["sessions"] == want > 0


def test_compare_to_previous_period(served):
    today = _today()
    cur = (today - timedelta(days=7), today - timedelta(days=1))
    prev = (today - timedelta(days=14), today - timedelta(days=8))
    got = query(
        served,
        {
            "model": "ad_performance",
            "dimensions": ["source_platform"],
            "measures": ["spend", "clicks"],
            "date_range": {"relative": "last_7_days"},
            "compare": "previous_period",
        },
    )
    names = [c["name"] for c in got["columns"]]
    assert names == [
        "source_platform",
        "spend",
        "spend_previous",
        "spend_delta",
        "spend_pct_change",
        "clicks",
        "clicks_previous",
        "clicks_delta",
        "clicks_pct_change",
    ]
    with served.snapshot(TENANT) as con:

        def window(rng):
            return dict(
                con.execute(
                    f'select source_platform, sum(spend_reporting) from "fct_{TENANT}__ad_performance" '
                    "where report_date between ? and ? group by 1",
                    list(rng),
                ).fetchall()
            )

        now, before = window(cur), window(prev)
    assert before, "the previous period has data"
    for row in got["rows"]:
        p = row["source_platform"]
        assert close(row["spend"], now[p]) and close(row["spend_previous"], before[p])
        assert close(row["spend_delta"], float(now[p]) - float(before[p]))
        assert close(row["spend_pct_change"], (float(now[p]) - float(before[p])) / float(before[p]))


def test_same_query_same_sql_and_unknown_fields_list_valid_ones(served):
    body = {
        "model": "orders",
        "dimensions": ["source_platform"],
        "measures": ["revenue", "aov"],
        "date_range": {"start": "2020-01-01", "end": "2030-12-31"},
    }
    a, b = query(served, body), query(served, {**body})
    assert a["sql"] == b["sql"] and a["rows"] == b["rows"]
    assert '"fct_stark_industries__orders"' in a["sql"]
    with served.client(TENANT) as c:
        r = c.post(f"/semantic-layer/{TENANT}/query", json={"model": "orders", "measures": ["revenu"]})
        assert r.status_code == 400
        assert "revenu" in r.json()["detail"] and "net_revenue" in r.json()["detail"]
        r = c.post(f"/semantic-layer/{TENANT}/query", json={"model": "order", "measures": ["revenue"]})
        assert r.status_code == 400 and "ad_performance" in r.json()["detail"]
        r = c.post(
            f"/semantic-layer/{TENANT}/query",
            json={"model": "orders", "dimensions": ["campaigns.campaign_name"], "measures": ["revenue"]},
        )
        assert r.status_code == 400 and "users" in r.json()["detail"]


def test_every_demo_tenant_reconciles_spend_and_revenue_with_its_tables(served):
    for slug in DEMO:
        got = query(served, {"model": "ad_performance", "measures": ["spend"]}, who=slug, tenant=slug)
        orders = query(served, {"model": "orders", "measures": ["net_revenue"]}, who=slug, tenant=slug)
        with served.snapshot(slug) as con:
            spend = con.execute(f'select sum(spend_reporting) from "fct_{slug}__ad_performance"').fetchone()[0]
            net = con.execute(f'select sum(net_revenue_reporting) from "fct_{slug}__orders"').fetchone()[0]
        assert close(got["rows"][0]["spend"], spend) and close(orders["rows"][0]["net_revenue"], net)
