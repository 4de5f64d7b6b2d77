"""Golden tests of the analytics marts on hand-written records: exact sessions, attribution, conversion,
funnel depth and identity resolution, with real dlt landing, real dbt and real DuckDB.

Two tenants land the same records (GA4, Mixpanel, Amplitude, WooCommerce) and differ only in analytics
logic, so one dbt build shows what every logic key does:

  golden_a  GA4 last_non_direct (look-back 30 days), Mixpanel first_click, Amplitude last_click; default
            timeout (30 min), conversion events and funnel steps
  golden_b  GA4 and Mixpanel timeout 10 min and look-back 1 day; GA4 converts on begin_checkout with the
            funnel [view_item, begin_checkout]; Amplitude timeout 10 min (ignored: native sessions)

plus golden_shop (WooCommerce only) and golden_tool (Mixpanel only) for identity without one side.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest
import yaml

from gata.config import load_config
from gata.connectors.arrow import records_to_arrow
from gata.ingest.land import land_connector
from gata.ingest.natural_id import add_natural_id
from gata.ingest.stage import StagedObject
from gata.warehouse.library import register_library
from gata.warehouse.onboard import build
from gata.workspace import Workspace

SITE = "shop.example.com"
D1, D2, D3 = date(2025, 6, 2), date(2025, 6, 3), date(2025, 6, 4)
DIRECT = ("(direct)", "(none)", None, None)
ORGANIC = ("google", "organic", None, None)
PAID = ("facebook", "paid_social", "Spring Sale", "C1")

TENANTS = {
    "tenants": [
        {
            "slug": "golden_a",
            "name": "Golden A",
            "sources": {
                "google_analytics": {"logic": {"attribution_model": "last_non_direct"}},
                "mixpanel": {"logic": {"attribution_model": "first_click"}},
                "amplitude": {"logic": {"attribution_model": "last_click"}},
                "woocommerce": {},
            },
        },
        {
            "slug": "golden_b",
            "name": "Golden B",
            "sources": {
                "google_analytics": {
                    "logic": {
                        "attribution_model": "last_non_direct",
                        "attribution_lookback_days": 1,
                        "session_timeout_minutes": 10,
                        "conversion_events": ["begin_checkout"],
                        "funnel_steps": ["view_item", "begin_checkout"],
                    }
                },
                "mixpanel": {
                    "logic": {
                        "attribution_model": "first_click",
                        "attribution_lookback_days": 1,
                        "session_timeout_minutes": 10,
                    }
                },
                "amplitude": {"logic": {"session_timeout_minutes": 10}},
                "woocommerce": {},
            },
        },
        # a shop without analytics, and an analytics tool without a shop
        {"slug": "golden_shop", "name": "Golden Shop", "sources": {"woocommerce": {}}},
        {"slug": "golden_tool", "name": "Golden Tool", "sources": {"mixpanel": {}}},
    ]
}


# --- hand-written records in each API's shape ------------------------------------------------------------


def at(day: date, hms: str, micros: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T{hms}").replace(tzinfo=UTC) + timedelta(microseconds=micros)


def us(ts: datetime) -> int:
    return int(ts.timestamp()) * 1_000_000 + ts.microsecond


def _param(key: str, s: str | None = None, i: int | None = None, d: float | None = None) -> dict:
    return {"key": key, "value": {"string_value": s, "int_value": i, "float_value": None, "double_value": d}}


def ga4(
    pseudo, ts, name, seq, session_start, path="/", referrer=None, user_id=None, paid=False, txn=None, revenue=None
) -> dict:
    """A GA4 export row; `paid` tags the hit like a landing from a Facebook ad."""
    query = "?utm_source=facebook&utm_medium=paid_social&utm_campaign=Spring%20Sale&utm_id=C1" if paid else ""
    params = [
        _param("ga_session_id", i=int(session_start.timestamp())),
        _param("page_location", s=f"https://{SITE}{path}{query}"),
    ]
    if referrer:
        params.append(_param("page_referrer", s=referrer))
    if txn:
        params += [_param("transaction_id", s=txn), _param("value", d=revenue), _param("currency", s="USD")]
    return {
        "event_date": ts.strftime("%Y%m%d"),
        "event_timestamp": us(ts),
        "event_name": name,
        "event_params": params,
        "user_id": user_id,
        "user_pseudo_id": pseudo,
        "device": {"category": "desktop", "operating_system": "Windows"},
        "geo": {"country": "France", "city": "Paris"},
        "traffic_source": {"name": "(direct)", "medium": "(none)", "source": "(direct)"},
        "stream_id": "1001",
        "platform": "WEB",
        "collected_traffic_source": {
            "manual_source": "facebook",
            "manual_medium": "paid_social",
            "manual_campaign_name": "Spring Sale",
            "manual_campaign_id": "C1",
            "gclid": None,
        }
        if paid
        else None,
        "ecommerce": {"transaction_id": txn, "purchase_revenue": revenue, "purchase_revenue_in_usd": revenue}
        if txn
        else None,
        "batch_event_index": seq,
    }


def ga4_session(pseudo, start, pages=1, referrer=None, paid=False) -> list[dict]:
    """session_start and the landing page view (same timestamp), then page views a minute apart."""
    rows = [
        ga4(pseudo, start, "session_start", 0, start, paid=paid),
        ga4(pseudo, start, "page_view", 1, start, referrer=referrer, paid=paid),
    ]
    for i in range(1, pages):
        rows.append(ga4(pseudo, start + timedelta(minutes=i), "page_view", i + 1, start, path=f"/p{i}"))
    return rows


def mixpanel(device, ts, name, user_id=None, referrer=None, paid=False, order=None) -> dict:
    props = {
        "time": int(ts.timestamp()),
        "distinct_id": user_id or f"$device:{device}",
        "$insert_id": f"{device}-{int(ts.timestamp())}-{name.replace(' ', '')}",
        "$device_id": device,
        "$current_url": f"https://{SITE}/",
        "mp_country_code": "FR",
        "$device_type": "desktop",
        "path": "/",
    }
    if user_id:
        props["$user_id"] = user_id
    if referrer:
        props["$referrer"] = referrer
    if paid:
        props.update(utm_source="facebook", utm_medium="paid_social", utm_campaign="Spring Sale", utm_id="C1")
    if order:
        props.update(order_id=order[0], revenue=order[1], currency="USD")
    return {"event": name, "properties": props}


_amplitude_seq = iter(range(1, 10_000))


def amplitude(device, ts, name, session_start, referrer=None, paid=False) -> dict:
    props = {"page_path": "/", "page_url": f"https://{SITE}/"}
    if referrer:
        props["referrer"] = referrer
    if paid:
        props.update(utm_source="facebook", utm_medium="paid_social", utm_campaign="Spring Sale", utm_id="C1")
    n = next(_amplitude_seq)
    return {
        "uuid": str(uuid.UUID(int=n)),
        "event_id": n,
        "event_type": name,
        "event_time": ts.strftime("%Y-%m-%d %H:%M:%S.%f"),
        "session_id": us(session_start) // 1000,
        "amplitude_id": 9001,
        "user_id": None,
        "device_id": device,
        "event_properties": props,
        "country": "France",
        "device_family": "desktop",
    }


def woo_order(order_id: int, customer_id: int, email: str, ts: datetime, total: str) -> dict:
    return {
        "id": order_id,
        "number": str(order_id),
        "status": "processing",
        "currency": "USD",
        "date_created": ts.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_created_gmt": ts.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_modified_gmt": ts.strftime("%Y-%m-%dT%H:%M:%S"),
        "total": total,
        "discount_total": "0.00",
        "shipping_total": "0.00",
        "total_tax": "0.00",
        "customer_id": customer_id,
        "billing": {"email": email, "country": "FR"},
        "line_items": [{"product_id": 1, "sku": "SKU-1", "name": "Thing", "quantity": 1, "subtotal": total}],
        "refunds": [],
        "meta_data": [],
    }


GOOGLE = "https://www.google.com/"
T0 = at(D1, "08:00:00")  # the timeout visitor's first event


def records() -> dict[tuple[str, str], list[dict]]:
    ga = []
    # timeout visitor: gaps of exactly 30 min, 30 min + 1 µs, then exactly 10 min
    ga += [
        ga4("T.1", T0, "session_start", 0, T0),
        ga4("T.1", T0, "page_view", 1, T0),
        ga4("T.1", T0 + timedelta(minutes=30), "page_view", 2, T0),
        ga4("T.1", T0 + timedelta(minutes=60, microseconds=1), "page_view", 3, T0),
        ga4("T.1", T0 + timedelta(minutes=70, microseconds=1), "page_view", 4, T0),
    ]
    # attribution visitor: organic -> direct -> paid -> direct
    ga += ga4_session("V.1", at(D1, "10:00:00"), pages=2, referrer=GOOGLE)
    ga += ga4_session("V.1", at(D2, "12:00:00"))
    ga += ga4_session("V.1", at(D3, "10:00:00"), paid=True)
    ga += ga4_session("V.1", at(D3, "12:00:00"))
    # funnel visitor: begin_checkout before add_to_cart
    f0 = at(D1, "14:00:00")
    ga += ga4_session("F.1", f0) + [
        ga4("F.1", f0 + timedelta(minutes=1), "view_item", 2, f0, path="/products/thing"),
        ga4("F.1", f0 + timedelta(minutes=2), "begin_checkout", 3, f0, path="/checkout"),
        ga4("F.1", f0 + timedelta(minutes=3), "add_to_cart", 4, f0, path="/products/thing"),
    ]
    # logged-in buyer (customer 100), and two guests
    l0 = at(D2, "15:00:00")
    ga += ga4_session("L.1", l0) + [
        ga4("L.1", l0 + timedelta(minutes=1), "login", 2, l0, path="/account/login", user_id="100"),
        ga4(
            "L.1",
            l0 + timedelta(minutes=2),
            "purchase",
            3,
            l0,
            path="/checkout/thank-you",
            user_id="100",
            txn="5001",
            revenue=50.0,
        ),
    ]
    for pseudo, start, txn, revenue in (
        ("G.1", at(D2, "17:00:00"), "5003", 20.0),
        ("G.2", at(D2, "17:05:00"), "5004", 25.0),
    ):
        ga += ga4_session(pseudo, start) + [
            ga4(
                pseudo,
                start + timedelta(minutes=1),
                "purchase",
                2,
                start,
                path="/checkout/thank-you",
                txn=txn,
                revenue=revenue,
            )
        ]

    mp = []
    m0 = at(D1, "08:00:00")
    # timeout visitor in seconds: exactly 30 min, 30 min + 1 s, exactly 10 min
    mp += [
        mixpanel("mpT", m0, "Page Viewed"),
        mixpanel("mpT", m0 + timedelta(minutes=30), "Page Viewed"),
        mixpanel("mpT", m0 + timedelta(minutes=60, seconds=1), "Page Viewed"),
        mixpanel("mpT", m0 + timedelta(minutes=70, seconds=1), "Product Viewed"),
    ]
    mp += [
        mixpanel("mpV", at(D1, "10:00:00"), "Page Viewed", referrer=GOOGLE),
        mixpanel("mpV", at(D1, "10:01:00"), "Page Viewed"),
        mixpanel("mpV", at(D2, "12:00:00"), "Page Viewed"),
        mixpanel("mpV", at(D3, "10:00:00"), "Page Viewed", paid=True),
        mixpanel("mpV", at(D3, "12:00:00"), "Page Viewed"),
    ]
    # never logs in, buys as a guest with the email of registered user 200 (known from the people profile)
    mp += [
        mixpanel("mpE", at(D2, "16:00:00"), "Page Viewed"),
        mixpanel("mpE", at(D2, "16:03:00"), "Order Completed", order=("5002", 30.0)),
    ]
    people = [{"$distinct_id": "200", "$properties": {"$email": "Erin@Example.com", "customer_id": "200"}}]

    amp = []
    a1 = at(D1, "10:00:00")
    # one native session spanning an hour of silence: Amplitude's id decides, not the timeout
    amp += [
        amplitude("ampV", a1, "Page Viewed", a1, referrer=GOOGLE),
        amplitude("ampV", a1 + timedelta(minutes=60), "Page Viewed", a1),
    ]
    for start, paid in ((at(D2, "12:00:00"), False), (at(D3, "10:00:00"), True), (at(D3, "12:00:00"), False)):
        amp.append(amplitude("ampV", start, "Page Viewed", start, paid=paid))
    users = [
        {
            "amplitude_id": 9001,
            "user_id": "300",
            "device_ids": ["ampV"],
            "first_used": "2024-01-01",
            "country": "France",
            "user_properties": {"email": "amy@example.com"},
        }
    ]

    orders = [
        woo_order(5001, 100, "lena@example.com", l0 + timedelta(minutes=2), "50.00"),
        woo_order(5002, 0, "erin@example.com", at(D2, "16:03:00"), "30.00"),
        woo_order(5003, 0, "g1@example.com", at(D2, "17:01:00"), "20.00"),
        woo_order(5004, 0, "g2@example.com", at(D2, "17:06:00"), "25.00"),
    ]
    return {
        ("google_analytics", "events"): ga,
        ("mixpanel", "events"): mp,
        ("mixpanel", "people"): people,
        ("amplitude", "events"): amp,
        ("amplitude", "users"): users,
        ("woocommerce", "orders"): orders,
    }


MATCH_RATES_MODEL = "rpt_golden_a__identity_match_rates"


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden")
    tenants_file = root / "tenants.yaml"
    tenants_file.write_text(yaml.safe_dump(TENANTS, sort_keys=False))
    cfg = load_config(tenants_file)
    ws = Workspace.resolve(root / "ws").ensure()
    data = records()
    for tenant in cfg.tenants:
        for connector in sorted(s.connector for s in tenant.enabled_sources()):
            staged = []
            for (c, obj), rows in data.items():
                if c != connector:
                    continue
                s = StagedObject(c, obj, root / "staged" / tenant.slug / c / obj)
                s.add(add_natural_id(records_to_arrow(rows), cfg.catalog[c].objects[obj]))
                s.flush()
                staged.append(s)
            land_connector(tenant.slug, connector, staged, ws)
    results = {}
    for tenant in cfg.tenants:  # each tenant in its own database and project
        register_library(ws, cfg.catalog, tenant.slug)
        results[tenant.slug] = build(ws, cfg.catalog, tenant)
    return ws, results


def _query(ws: Workspace, sql: str, params=None) -> list[tuple]:
    """Run SQL in the database of the tenant whose tables it names (each tenant has its own)."""
    slugs = set(re.findall(r"\b(?:fct|dim|rpt|int|stg)_(golden_[a-z]+)__", sql)) or {"golden_a"}
    assert len(slugs) == 1, sql
    # dbt runs in this process and keeps the file open read-write: connect with the same configuration
    with duckdb.connect(str(ws.warehouse_path(slugs.pop()))) as con:
        return con.execute(sql, params or []).fetchall()


def _sessions(ws, slug, platform, client) -> list[tuple]:
    return _query(
        ws,
        f"""
        select session_start_ts, session_end_ts, events_in_session
        from analytics.fct_{slug}__sessions where source_platform = ? and user_pseudo_id = ?
        order by session_start_ts""",
        [platform, client],
    )


def _touches(ws, slug, platform, client) -> list[tuple]:
    rows = _query(
        ws,
        f"""
        select landing_source, landing_medium, landing_campaign, traffic_source, traffic_medium, traffic_campaign,
               traffic_campaign_id
        from analytics.fct_{slug}__sessions where source_platform = ? and user_pseudo_id = ?
        order by session_start_ts""",
        [platform, client],
    )
    return [(r[0:2], r[3:7]) for r in rows]


def _naive(ts: datetime) -> datetime:
    return ts.replace(tzinfo=None)


def test_the_build_and_its_tests_pass(golden):
    _, results = golden
    assert set(results) == {"golden_a", "golden_b", "golden_shop", "golden_tool"}
    for result in results.values():
        assert result.error is None, result.error
        assert result.failed() == [], result.summary()


def test_ga4_sessions_break_after_the_timeout_not_at_it(golden):
    ws, _ = golden
    t = [_naive(T0 + timedelta(minutes=m, microseconds=u)) for m, u in ((0, 0), (30, 0), (60, 1), (70, 1))]
    # 30 min: a gap of exactly 30 min stays in the session, 30 min + 1 µs starts a new one
    assert _sessions(ws, "golden_a", "google_analytics", "T.1") == [(t[0], t[1], 3), (t[2], t[3], 2)]
    # 10 min from logic: the 30-minute gap now splits; exactly 10 min still does not
    assert _sessions(ws, "golden_b", "google_analytics", "T.1") == [(t[0], t[0], 2), (t[1], t[1], 1), (t[2], t[3], 2)]


def test_mixpanel_sessions_break_after_the_timeout(golden):
    ws, _ = golden
    t = [_naive(at(D1, "08:00:00") + timedelta(minutes=m, seconds=s)) for m, s in ((0, 0), (30, 0), (60, 1), (70, 1))]
    assert _sessions(ws, "golden_a", "mixpanel", "mpT") == [(t[0], t[1], 2), (t[2], t[3], 2)]
    assert _sessions(ws, "golden_b", "mixpanel", "mpT") == [(t[0], t[0], 1), (t[1], t[1], 1), (t[2], t[3], 2)]


def test_amplitude_keeps_its_native_sessions_whatever_the_timeout(golden):
    ws, _ = golden
    for slug in ("golden_a", "golden_b"):
        got = _sessions(ws, slug, "amplitude", "ampV")
        assert [n for _, _, n in got] == [2, 1, 1, 1]
        assert got[0][1] - got[0][0] == timedelta(minutes=60)
    ids = _query(
        ws,
        "select session_id from analytics.fct_golden_a__sessions where source_platform = 'amplitude' "
        "order by session_start_ts limit 1",
    )
    assert ids == [(f"amplitude:ampV:{us(at(D1, '10:00:00')) // 1000}",)]


def test_session_ids_are_prefixed_with_the_platform_and_shared_by_events(golden):
    ws, _ = golden
    for slug in ("golden_a", "golden_b"):
        orphans = _query(
            ws,
            f"""
            select count(*) from analytics.fct_{slug}__events e
            left join analytics.fct_{slug}__sessions s on s.session_id = e.session_id
            where s.session_id is null or not starts_with(e.session_id, e.source_platform || ':')""",
        )
        assert orphans == [(0,)]
        counts = _query(
            ws, f"select source_platform, count(*) from analytics.fct_{slug}__events group by all order by 1"
        )
        data = records()
        assert counts == [
            ("amplitude", len(data[("amplitude", "events")])),
            ("google_analytics", len(data[("google_analytics", "events")])),
            ("mixpanel", len(data[("mixpanel", "events")])),
        ]


def test_last_non_direct_falls_back_to_the_latest_non_direct_session_within_the_lookback(golden):
    ws, _ = golden
    landing = [ORGANIC[:2], DIRECT[:2], PAID[:2], DIRECT[:2]]
    a = _touches(ws, "golden_a", "google_analytics", "V.1")
    assert [x[0] for x in a] == landing
    assert [x[1] for x in a] == [ORGANIC, ORGANIC, PAID, PAID]
    # look-back 1 day: the organic session (26 h earlier) is out of reach of the direct one
    b = _touches(ws, "golden_b", "google_analytics", "V.1")
    assert [x[1] for x in b] == [ORGANIC, DIRECT, PAID, PAID]


def test_first_click_takes_the_first_session_within_the_lookback(golden):
    ws, _ = golden
    a = _touches(ws, "golden_a", "mixpanel", "mpV")
    assert [x[0] for x in a] == [ORGANIC[:2], DIRECT[:2], PAID[:2], DIRECT[:2]]
    assert [x[1] for x in a] == [ORGANIC] * 4
    # look-back 1 day: the organic session is out of reach of the later ones
    b = _touches(ws, "golden_b", "mixpanel", "mpV")
    assert [x[1] for x in b][:2] == [ORGANIC, DIRECT]


def test_first_click_skips_a_direct_first_touch_when_a_paid_one_is_in_the_lookback(golden):
    # GA4's convention: direct gets first-click credit only when the look-back holds no other touch. With a
    # 1-day look-back, the paid session's window starts at the direct one (22 h earlier), and the last
    # session's window holds the direct one (exactly 1 day earlier) and the paid one: both credit paid.
    ws, _ = golden
    b = _touches(ws, "golden_b", "mixpanel", "mpV")
    assert [x[0] for x in b][1:] == [DIRECT[:2], PAID[:2], DIRECT[:2]]
    assert [x[1] for x in b][1:] == [DIRECT, PAID, PAID]


def test_last_click_is_the_sessions_own_source(golden):
    ws, _ = golden
    a = _touches(ws, "golden_a", "amplitude", "ampV")
    assert [x[1] for x in a] == [ORGANIC, DIRECT, PAID, DIRECT]
    # golden_b's Amplitude uses the default (last_non_direct)
    b = _touches(ws, "golden_b", "amplitude", "ampV")
    assert [x[1] for x in b] == [ORGANIC, ORGANIC, PAID, PAID]


def test_events_carry_their_sessions_attributed_source(golden):
    ws, _ = golden
    rows = _query(
        ws,
        """
        select distinct e.traffic_source, e.traffic_medium, e.traffic_campaign
        from analytics.fct_golden_a__events e
        where e.user_pseudo_id = 'V.1' and e.event_timestamp >= ?""",
        [_naive(at(D3, "12:00:00"))],
    )
    assert rows == [PAID[:3]]


def test_conversion_events_and_funnel_steps_come_from_logic(golden):
    ws, _ = golden
    sql = """select is_conversion_session, funnel_depth, funnel_steps_total
             from analytics.fct_{}__sessions where user_pseudo_id = 'F.1'"""
    # default funnel page_view > view_item > add_to_cart > begin_checkout > purchase: checkout came before
    # the cart, so the session got 3 steps deep; no purchase, no conversion
    assert _query(ws, sql.format("golden_a")) == [(False, 3, 5)]
    # [view_item, begin_checkout], converting on begin_checkout
    assert _query(ws, sql.format("golden_b")) == [(True, 2, 2)]
    flags = _query(
        ws,
        """select event_name, is_conversion_event from analytics.fct_golden_b__events
                          where user_pseudo_id = 'F.1' and event_name in ('begin_checkout', 'view_item')
                          order by 1""",
    )
    assert flags == [("begin_checkout", True), ("view_item", False)]


def test_purchase_sessions_link_to_their_orders(golden):
    ws, _ = golden
    rows = _query(
        ws,
        """
        select source_platform, transaction_id, session_revenue, currency, session_revenue_reporting,
               is_conversion_session, user_id
        from analytics.fct_golden_a__sessions where transaction_id is not null order by transaction_id""",
    )
    assert rows == [
        ("google_analytics", "5001", Decimal("50.00"), "USD", Decimal("50.00"), True, "100"),
        ("mixpanel", "5002", Decimal("30.00"), "USD", Decimal("30.00"), True, None),
        ("google_analytics", "5003", Decimal("20.00"), "USD", Decimal("20.00"), True, None),
        ("google_analytics", "5004", Decimal("25.00"), "USD", Decimal("25.00"), True, None),
    ]
    no_purchase = _query(
        ws,
        """select count(*), sum(session_revenue_reporting) from analytics.fct_golden_a__sessions
                                where transaction_id is null and (currency is not null or session_revenue <> 0)""",
    )
    assert no_purchase == [(0, None)]


def _users(ws, slug) -> dict[tuple[str, ...], tuple]:
    rows = _query(
        ws,
        f"""
        select analytics_ids, user_id, customer_email, resolution, orders, sessions, is_customer, revenue_reporting,
               source_platforms
        from analytics.dim_{slug}__users""",
    )
    return {tuple(json.loads(r[0])): r[1:] for r in rows}


def test_identity_resolves_login_email_and_transaction_links(golden):
    ws, _ = golden
    users = _users(ws, "golden_a")
    # logged in, bought as customer 100
    assert users[("L.1",)][:5] == ("100", "lena@example.com", "user_id", 1, 1)
    # never logged in: the guest order's email is registered user 200's (Mixpanel profile)
    assert users[("mpE",)][:5] == ("200", "erin@example.com", "email", 1, 1)
    # guests: only the transaction id ties the visitor to the order (and its email)
    assert users[("G.1",)][:5] == (None, "g1@example.com", "transaction", 1, 1)
    assert users[("G.2",)][:5] == (None, "g2@example.com", "transaction", 1, 1)
    # Amplitude's profile names the device's login id
    assert users[("ampV",)][:4] == ("300", "amy@example.com", "user_id", 0)
    # everyone else is an anonymous visitor of their own
    for client in ("T.1", "V.1", "F.1", "mpT", "mpV"):
        assert users[(client,)][:4] == (None, None, "anonymous", 0)
    assert len(users) == 10
    assert json.loads(users[("L.1",)][7]) == ["google_analytics", "woocommerce"]
    assert users[("L.1",)][5:7] == (True, Decimal("50.00"))


def test_two_guests_are_never_merged(golden):
    ws, _ = golden
    keys = _query(
        ws,
        """select count(distinct user_key), count(*) from analytics.dim_golden_a__users
                         where customer_email in ('g1@example.com', 'g2@example.com')""",
    )
    assert keys == [(2, 2)]
    # every order belongs to exactly one person
    assert _query(ws, "select sum(orders) from analytics.dim_golden_a__users") == [(4,)]


def test_identity_match_rates(golden):
    ws, _ = golden
    rows = _query(ws, f"select key_type, users, resolved, match_rate from analytics.{MATCH_RATES_MODEL} order by 1")
    assert rows == [
        ("analytics_id", 10, 5, 0.5),  # L.1, G.1, G.2, mpE, ampV
        ("email", 4, 4, 1.0),
        ("login_ids_that_bought", 1, 1, 1.0),  # 100 logged in and bought; 300 is only in a profile, no event
        ("order_id", 4, 4, 1.0),
        ("transaction_id", 4, 4, 1.0),
    ]


def test_identity_without_analytics_or_without_a_shop(golden):
    ws, _ = golden
    shop = _query(
        ws,
        """select user_id, customer_email, resolution, orders, sessions, analytics_ids
                         from analytics.dim_golden_shop__users order by customer_email""",
    )
    # orders only: the customer by id, guests by email; nothing anonymous
    assert shop == [
        (None, "erin@example.com", "email", 1, 0, "[]"),
        (None, "g1@example.com", "email", 1, 0, "[]"),
        (None, "g2@example.com", "email", 1, 0, "[]"),
        ("100", "lena@example.com", "user_id", 1, 0, "[]"),
    ]
    tool = _users(ws, "golden_tool")
    # analytics only: the profile names user 200; the guest buyer's device stays anonymous without the order
    assert tool[("mpE",)][:5] == (None, None, "anonymous", 0, 1)
    assert tool[()][:5] == ("200", "erin@example.com", "user_id", 0, 0)
    assert len(tool) == 4


def test_sessions_and_events_reach_the_person_identity_resolved_their_device_to(golden):
    ws, _ = golden
    # each session joins dim_users on user_key, to the person whose analytics ids hold its device
    rows = _query(
        ws,
        """
        select s.source_platform, s.user_pseudo_id, u.user_id, u.resolution, list_contains(
                   json_extract_string(u.analytics_ids, '$[*]'), s.user_pseudo_id)
        from analytics.fct_golden_a__sessions s
        left join analytics.dim_golden_a__users u on u.user_key = s.user_key
        group by all order by 1, 2""",
    )
    people = {(platform, client): (user_id, resolution) for platform, client, user_id, resolution, _ in rows}
    assert all(holds for *_, holds in rows), rows
    # a login, a guest order whose email names registered user 200, a transaction, a profile's device
    assert people[("google_analytics", "L.1")] == ("100", "user_id")
    assert people[("mixpanel", "mpE")] == ("200", "email")
    assert people[("google_analytics", "G.1")] == (None, "transaction")
    assert people[("amplitude", "ampV")] == ("300", "user_id")
    # a device tied to nothing is a person of its own, never a null key
    assert people[("google_analytics", "V.1")] == (None, "anonymous")
    assert len(rows) == 10
    # the person's session count is the count of sessions carrying its key
    counts = _query(
        ws,
        """
        select count(*) from analytics.dim_golden_a__users u
        where u.sessions <> (select count(*) from analytics.fct_golden_a__sessions s where s.user_key = u.user_key)""",
    )
    assert counts == [(0,)]
    # events carry their session's key
    assert _query(
        ws,
        """select count(*) from analytics.fct_golden_a__events e join analytics.fct_golden_a__sessions s
           using (session_id) where e.user_key is distinct from s.user_key""",
    ) == [(0,)]
