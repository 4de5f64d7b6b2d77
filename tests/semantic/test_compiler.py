"""The compiler without a warehouse: deterministic SQL over the tenant's own tables, and clear refusals."""

from __future__ import annotations

from datetime import date

import ibis
import pytest
from ibis.backends.sql.datatypes import DuckDBType
from pydantic import ValidationError

from gata.semantic.compiler import QueryValidationError, compile_query
from gata.semantic.layer import TenantLayer, UnknownModelError
from gata.semantic.overlay import Overlay
from gata.semantic.query import SemanticQuery
from gata.star.contracts import CONTRACTS

TODAY = date(2026, 3, 15)
PROFILE = {
    "reporting_currency": "EUR",
    "analytics": {
        "ga4": {
            "funnel_steps": ["page_view", "view_item", "add_to_cart", "purchase"],
            "conversion_events": ["purchase"],
        },
        "mixpanel": {
            "funnel_steps": ["Page Viewed", "Product Viewed", "Added To Cart", "Checkout Started", "Order Completed"],
            "conversion_events": ["Order Completed"],
        },
    },
}


def layer(slug: str = "acme_co", overlay: Overlay | None = None) -> TenantLayer:
    schemas = {
        c.model_name(slug): ibis.schema({col.name: DuckDBType.from_string(col.data_type) for col in c.columns})
        for c in CONTRACTS
    }
    return TenantLayer(slug, "v1", schemas, PROFILE, overlay or Overlay())


def compile_(body: dict, slug: str = "acme_co"):
    return compile_query(SemanticQuery.model_validate(body), layer(slug), TODAY)


def test_same_query_same_sql_and_only_the_tenants_tables():
    body = {
        "model": "sessions",
        "dimensions": ["campaigns.campaign_status", "device_category"],
        "measures": ["sessions", "conversion_rate"],
        "time_grain": "month",
        "date_range": {"relative": "last_30_days"},
        "filters": [{"field": "geo_country", "op": "in", "value": ["DE", "FR"]}],
    }
    a, b = compile_(body), compile_query(SemanticQuery.model_validate(body), layer(), TODAY)
    assert a.sql == b.sql
    assert '"fct_acme_co__sessions"' in a.sql and '"dim_acme_co__campaigns"' in a.sql
    other = compile_(body, "other_co")
    assert "acme_co" not in other.sql and '"fct_other_co__sessions"' in other.sql
    assert a.date_range == (date(2026, 2, 13), date(2026, 3, 14))
    assert [c.name for c in a.columns] == [
        "session_date",
        "campaigns.campaign_status",
        "device_category",
        "sessions",
        "conversion_rate",
    ]
    assert a.columns[-1].format == "percent" and a.columns[0].type == "date"


def test_filter_values_are_literals_not_sql():
    sql = compile_(
        {
            "model": "orders",
            "measures": ["revenue"],
            "filters": [{"field": "landing_campaign", "op": "eq", "value": "x'); drop table t; --"}],
        }
    ).sql
    assert "'x''); drop table t; --'" in sql  # one quoted literal, quote doubled


def test_funnel_measures_follow_the_longest_configured_funnel():
    sessions = layer().model("sessions")
    steps = [m for m in sessions.measures if m.startswith("funnel_step_") and not m.endswith("_rate")]
    assert steps == [f"funnel_step_{k}" for k in range(1, 6)]
    assert "page_view / Page Viewed" in sessions.measures["funnel_step_1"].label
    assert sessions.measures["funnel_step_5"].label.endswith("(Order Completed)")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "orders", "measures": ["revenu"]}, "valid fields: all_orders, aov"),
        ({"model": "nope", "measures": ["x"]}, "valid models: ad_performance, blended, business, campaigns"),
        ({"model": "orders", "dimensions": ["revenue"]}, "'revenue' is a measure"),
        ({"model": "orders", "measures": ["order_date"]}, "'order_date' is a dimension"),
        ({"model": "orders", "dimensions": ["campaigns.campaign_name"]}, "has no join to 'campaigns'"),
        ({"model": "orders", "dimensions": ["users.users"]}, "is a measure of 'users'"),
        (
            {"model": "orders", "measures": ["revenue"], "time_grain": "week", "time_dimension": "source_platform"},
            "not a time dimension",
        ),
        ({"model": "orders", "measures": ["revenue"], "order_by": [{"field": "aov"}]}, "order_by 'aov' is not in"),
        (
            {
                "model": "orders",
                "measures": ["revenue"],
                "filters": [{"field": "order_date", "op": "gt", "value": "soon"}],
            },
            "'soon' is not a valid date",
        ),
        (
            {
                "model": "orders",
                "measures": ["revenue"],
                "filters": [{"field": "revenue", "op": "contains", "value": "1"}],
            },
            "works on text fields only",
        ),
        (
            {
                "model": "orders",
                "measures": ["revenue"],
                "filters": [
                    {
                        "or": [
                            {"field": "revenue", "op": "gt", "value": 1},
                            {"field": "financial_status", "op": "eq", "value": "paid"},
                        ]
                    }
                ],
            },
            "cannot mix",
        ),
        (
            {
                "model": "orders",
                "measures": ["revenue"],
                "time_grain": "day",
                "date_range": {"relative": "last_7_days"},
                "compare": "previous_period",
            },
            "do not group by its time dimension",
        ),
        ({"model": "orders", "measures": ["revenue"], "date_range": {"relative": "next_week"}}, "not a known range"),
    ],
)
def test_clear_errors(body, message):
    with pytest.raises((QueryValidationError, UnknownModelError, ValueError)) as exc:
        compile_(body)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "body",
    [
        {"model": "orders"},
        {"model": "orders", "measures": ["revenue"], "compare": "previous_period"},
        {"model": "orders", "measures": ["revenue"], "limit": 10_001},
        {"model": "orders", "measures": ["revenue"], "filters": [{"field": "x", "op": "in", "value": "a"}]},
        {"model": "orders", "measures": ["revenue"], "filters": [{"field": "x", "op": "is_null", "value": 1}]},
        {"model": "orders", "measures": ["revenue"], "filters": [{"field": "x", "op": "regex", "value": "a"}]},
        {"model": "orders", "measures": ["revenue; drop"]},
        {"model": "orders", "measures": ["revenue"], "date_range": {"start": "2026-02-01", "end": "2026-01-01"}},
        {"model": "orders", "measures": ["revenue"], "date_range": {"start": "2026-02-01"}},
        {"model": "orders", "measures": ["revenue"], "sql": "select 1"},
    ],
)
def test_malformed_queries_are_rejected_by_the_schema(body):
    with pytest.raises(ValidationError):
        SemanticQuery.model_validate(body)


def test_measure_filter_adds_the_measure_and_becomes_having():
    c = compile_(
        {
            "model": "ad_performance",
            "dimensions": ["campaign_name"],
            "measures": ["clicks"],
            "filters": [{"field": "spend", "op": "gt", "value": 100}],
        }
    )
    assert [col.name for col in c.columns] == ["campaign_name", "clicks", "spend"]
    assert c.sql.index('"spend" > 100') > c.sql.index("GROUP BY")
