"""The analytics connectors: GA4 export rows, Amplitude and Mixpanel events shaped as their APIs give
them, keyed uniquely, and with session structure a sessionizer can recover."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest

from gata.config import load_config
from gata.connectors.arrow import as_arrow, as_records
from gata.connectors.pull import pull, window
from gata.connectors.registry import connector_module
from gata.ingest.natural_id import add_natural_id

FIXTURE = "tests/fixtures/all_connectors.yaml"
END = date(2024, 3, 10)
TOOLS = ["google_analytics", "amplitude", "mixpanel"]
GAP_US = 30 * 60 * 1_000_000


@pytest.fixture(scope="module")
def tenant():
    return load_config(FIXTURE).tenant("omni_corp")


@pytest.fixture(scope="module")
def pulled(tenant):
    out: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c, o, batch in pull(tenant, window(END, 4), connectors=TOOLS):
        out[(c, o)].extend(as_records(batch))
    return out


def _param(event: dict, key: str):
    for p in event["event_params"]:
        if p["key"] == key:
            v = p["value"]
            return next(
                (v[k] for k in ("string_value", "int_value", "double_value", "float_value") if v[k] is not None), None
            )
    return None


def test_every_record_passes_its_model(pulled):
    assert {k for k in pulled} == {
        ("google_analytics", "events"),
        ("amplitude", "events"),
        ("amplitude", "users"),
        ("mixpanel", "events"),
        ("mixpanel", "people"),
    }
    for (connector, obj), records in pulled.items():
        model = connector_module(connector).RECORD_MODELS[obj]
        assert records
        for r in records:
            model.model_validate(r)


def test_natural_keys_are_unique_per_object(tenant, pulled):
    catalog = load_config(FIXTURE).catalog
    for (connector, obj), records in pulled.items():
        if obj in ("users", "people"):  # profiles repeat across days by design; landing merges them
            continue
        table = add_natural_id(as_arrow(records), catalog[connector].objects[obj])
        ids = table.column("_gata_natural_id").to_pylist()
        assert len(ids) == len(set(ids)), (connector, obj)


def test_ga4_export_shape(pulled):
    events = pulled[("google_analytics", "events")]
    names = {e["event_name"] for e in events}
    assert {"session_start", "page_view", "view_item", "add_to_cart", "begin_checkout", "purchase"} <= names
    for e in events[:500]:
        assert len(e["event_date"]) == 8 and e["event_timestamp"] > 1_600_000_000_000_000  # µs
        assert isinstance(_param(e, "ga_session_id"), int)
        assert _param(e, "page_location").startswith("https://")
    purchase = next(e for e in events if e["event_name"] == "purchase")
    assert purchase["ecommerce"]["transaction_id"] == _param(purchase, "transaction_id")
    assert purchase["items"] and purchase["ecommerce"]["purchase_revenue"] > 0
    paid_landing = [
        e
        for e in events
        if e["collected_traffic_source"] and e["collected_traffic_source"]["manual_medium"] in ("cpc", "paid_social")
    ]
    assert paid_landing
    for e in paid_landing:
        assert "utm_campaign=" in _param(e, "page_location")
        assert e["collected_traffic_source"]["manual_campaign_id"]


def _check_sessions(events_by_visitor: dict[str, list[tuple[int, object]]]):
    """Within a native session, gaps stay under 30 minutes; between two sessions they exceed it."""
    sessions = 0
    for rows in events_by_visitor.values():
        rows.sort()
        for (t0, s0), (t1, s1) in zip(rows, rows[1:], strict=False):
            if s0 == s1:
                assert t1 - t0 < GAP_US
            else:
                assert t1 - t0 > GAP_US
                sessions += 1
    return sessions


def test_native_sessions_match_30_minute_inactivity(pulled):
    ga = defaultdict(list)
    for e in pulled[("google_analytics", "events")]:
        ga[e["user_pseudo_id"]].append((e["event_timestamp"], _param(e, "ga_session_id")))
    amp = defaultdict(list)
    for e in pulled[("amplitude", "events")]:
        t = datetime.strptime(e["event_time"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
        amp[e["device_id"]].append((int(t.timestamp() * 1_000_000), e["session_id"]))
    mp = defaultdict(list)
    for e in pulled[("mixpanel", "events")]:
        mp[e["properties"]["$device_id"]].append((e["properties"]["time"] * 1_000_000, None))
    assert _check_sessions(ga) > 0
    assert _check_sessions(amp) >= 0
    assert len(ga) > 100 and len(mp) > 100


def test_user_id_only_after_login_and_stable(pulled):
    seen: dict[str, set[str]] = defaultdict(set)
    for e in pulled[("google_analytics", "events")]:
        if e["user_id"]:
            seen[e["user_pseudo_id"]].add(e["user_id"])
            assert e["event_name"] not in ("session_start",)
    assert seen and all(len(v) == 1 for v in seen.values())


def test_visitors_are_split_between_tools(pulled):
    ga = {e["user_pseudo_id"] for e in pulled[("google_analytics", "events")]}
    amp_users = {u["amplitude_id"] for u in pulled[("amplitude", "users")]}
    assert ga and amp_users
    ga_orders = {
        e["ecommerce"]["transaction_id"]
        for e in pulled[("google_analytics", "events")]
        if e["event_name"] == "purchase"
    }
    amp_orders = {
        e["event_properties"]["order_id"]
        for e in pulled[("amplitude", "events")]
        if e["event_type"] == "Order Completed"
    }
    mp_orders = {e["properties"]["order_id"] for e in pulled[("mixpanel", "events")] if e["event"] == "Order Completed"}
    assert ga_orders and amp_orders and mp_orders
    assert not (ga_orders & amp_orders) and not (ga_orders & mp_orders) and not (amp_orders & mp_orders)


def test_mixpanel_people_are_identified_users(pulled):
    distinct = {e["properties"]["distinct_id"] for e in pulled[("mixpanel", "events")]}
    for person in pulled[("mixpanel", "people")]:
        assert person["$distinct_id"] in distinct
        assert "@" in person["$properties"]["$email"]
