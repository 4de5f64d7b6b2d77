"""The shop connectors render the simulated orders faithfully: every order once, exact money, the state
it had on the pull day, the buyer analytics knows, and the same records on every run."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from gata.config import load_config
from gata.connectors.arrow import records_to_arrow
from gata.connectors.base import RenderContext
from gata.connectors.pull import pull, window
from gata.connectors.registry import connector_module
from gata.simulation.day import PAID, simulate_day
from gata.simulation.world import build_world, visitor_identity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "all_connectors.yaml"
SHOPS = ["shopify", "bigcommerce", "woocommerce"]
END = date(2024, 3, 10)
DAYS = window(END, 10)
LATE = END + timedelta(days=30)  # every lag of the window's orders has run out by then


def cents(amount: str | float) -> int:
    value = Decimal(str(amount)) * 100
    assert value == value.to_integral_value(), f"{amount} is not whole cents"
    return int(value)


def total(c: str, r: dict) -> int:
    return cents(r[{"shopify": "total_price", "bigcommerce": "total_inc_tax", "woocommerce": "total"}[c]])


def refunded(c: str, r: dict) -> int:
    if c == "shopify":
        return sum(cents(t["amount"]) for f in r["refunds"] for t in f["transactions"])
    if c == "bigcommerce":
        return cents(r["refunded_amount"])
    return -sum(cents(f["total"]) for f in r["refunds"])


def fulfilled(c: str, r: dict) -> bool:
    if c == "shopify":
        return r["fulfillment_status"] == "fulfilled"
    if c == "bigcommerce":
        return r["date_shipped"] != ""
    return r["date_completed"] is not None


def times(c: str, r: dict) -> tuple[datetime, datetime]:
    """(created, last modified) in UTC."""
    if c == "shopify":
        return datetime.fromisoformat(r["created_at"]), datetime.fromisoformat(r["updated_at"])
    if c == "bigcommerce":
        return parsedate_to_datetime(r["date_created"]), parsedate_to_datetime(r["date_modified"])
    return tuple(datetime.fromisoformat(r[k]).replace(tzinfo=UTC) for k in ("date_created_gmt", "date_modified_gmt"))


def buyer(c: str, r: dict) -> tuple[int, str]:
    """(customer id, email) on the order."""
    if c == "shopify":
        return r["customer"]["id"], r["email"]
    if c == "bigcommerce":
        return r["customer_id"], r["billing_address"]["email"]
    return r["customer_id"], r["billing"]["email"]


@pytest.fixture(scope="module")
def tenant():
    return load_config(str(FIXTURE)).tenant("omni_corp")


@pytest.fixture(scope="module")
def world(tenant):
    return build_world(tenant)


@pytest.fixture(scope="module")
def sims(world):
    return {d: simulate_day(world, d) for d in DAYS}


def collect(tenant, world, as_of: date) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    for c, obj, batch in pull(tenant, DAYS, as_of=as_of, connectors=SHOPS, world=world):
        assert isinstance(batch, list)
        out.setdefault((c, obj), []).extend(batch)
    return out


@pytest.fixture(scope="module")
def pulled(tenant, world):
    return collect(tenant, world, LATE)


@pytest.fixture(scope="module")
def sim_orders(sims):
    """order id -> (day, index into that day's orders)."""
    return {int(s.orders.order_id[i]): (d, i) for d, s in sims.items() for i in range(len(s.orders))}


def render_day(world, c: str, sim, as_of: date) -> dict[int, dict]:
    records = connector_module(c).daily(RenderContext(world, c, as_of), sim)["orders"]
    return {r["id"]: r for r in records}


def test_every_record_passes_its_model_and_lands(pulled):
    for c in SHOPS:
        models = connector_module(c).RECORD_MODELS
        assert set(models) == {"orders", "products"}
        for obj in ("orders", "products"):
            records = pulled[(c, obj)]
            assert records, f"{c} rendered no {obj}"
            for r in records:
                models[obj].model_validate(r)
                assert json.loads(json.dumps(r)) == r
            assert records_to_arrow(records).num_rows == len(records)


def test_ids_unique_and_every_order_rendered_by_exactly_one_shop(pulled, sim_orders):
    seen: dict[int, str] = {}
    for c in SHOPS:
        for obj in ("orders", "products"):
            ids = [r["id"] for r in pulled[(c, obj)]]
            assert len(ids) == len(set(ids)), f"duplicate {c} {obj} ids"
        for r in pulled[(c, "orders")]:
            assert r["id"] not in seen, f"order {r['id']} rendered by {seen.get(r['id'])} and {c}"
            seen[r["id"]] = c
    assert set(seen) == set(sim_orders)
    assert len(set(seen.values())) == 3


def test_line_item_and_refund_ids_unique(pulled):
    for c in SHOPS:
        orders = pulled[(c, "orders")]
        lines = [li["id"] for r in orders for li in r["products" if c == "bigcommerce" else "line_items"]]
        assert len(lines) == len(set(lines))
        if c != "bigcommerce":
            refunds = [f["id"] for r in orders for f in r["refunds"]]
            assert len(refunds) == len(set(refunds))


def test_money_is_exact_and_adds_up(pulled, sims, sim_orders, world):
    for c in SHOPS:
        currency = world.shop(c).currency
        for r in pulled[(c, "orders")]:
            day, i = sim_orders[r["id"]]
            o = sims[day].orders
            assert total(c, r) == o.total_cents[i]
            if c == "shopify":
                assert r["currency"] == currency
                assert cents(r["total_line_items_price"]) == o.subtotal_cents[i]
                assert cents(r["total_discounts"]) == o.discount_cents[i]
                assert cents(r["subtotal_price"]) == o.subtotal_cents[i] - o.discount_cents[i]
                shipping = cents(r["total_shipping_price_set"]["shop_money"]["amount"])
                assert shipping == o.shipping_cents[i]
                assert total(c, r) == cents(r["subtotal_price"]) + shipping + cents(r["total_tax"])
                assert sum(cents(li["price"]) * li["quantity"] for li in r["line_items"]) == o.subtotal_cents[i]
                assert sum(cents(li["total_discount"]) for li in r["line_items"]) == o.discount_cents[i]
                assert sum(cents(t["price"]) for li in r["line_items"] for t in li["tax_lines"]) == o.tax_cents[i]
            elif c == "bigcommerce":
                assert r["currency_code"] == currency
                assert cents(r["subtotal_ex_tax"]) == o.subtotal_cents[i]
                assert cents(r["coupon_discount"]) + cents(r["discount_amount"]) == o.discount_cents[i]
                assert total(c, r) == (
                    cents(r["subtotal_ex_tax"])
                    - cents(r["coupon_discount"])
                    + cents(r["shipping_cost_inc_tax"])
                    + cents(r["total_tax"])
                )
                lines = sum(cents(p["total_inc_tax"]) for p in r["products"])
                assert lines - cents(r["coupon_discount"]) + cents(r["shipping_cost_inc_tax"]) == total(c, r)
                assert r["items_total"] == sum(p["quantity"] for p in r["products"])
            else:
                assert r["currency"] == currency
                assert cents(r["discount_total"]) == o.discount_cents[i]
                line_totals = sum(cents(li["total"]) for li in r["line_items"])
                assert sum(cents(li["subtotal"]) for li in r["line_items"]) == o.subtotal_cents[i]
                assert line_totals == o.subtotal_cents[i] - o.discount_cents[i]
                assert total(c, r) == line_totals + cents(r["shipping_total"]) + cents(r["total_tax"])


def test_refunds_appear_only_once_they_happened(world, sims):
    checked = 0
    for c in SHOPS:
        shop_index = next(k for k, s in enumerate(world.shops) if s.connector == c)
        for day, sim in sims.items():
            o = sim.orders
            for i in range(len(o)):
                lag = int(o.refund_lag_days[i])
                if lag < 0 or o.shop[i] != shop_index:
                    continue
                oid = int(o.order_id[i])
                before = render_day(world, c, sim, day + timedelta(days=lag - 1))[oid]
                after = render_day(world, c, sim, day + timedelta(days=lag))[oid]
                assert refunded(c, before) == 0
                assert refunded(c, after) == o.refund_cents[i] > 0
                if o.refund_full[i]:
                    assert refunded(c, after) == o.total_cents[i]
                state = after["financial_status" if c == "shopify" else "status"]
                assert (state.lower() == "refunded") == bool(o.refund_full[i])
                assert times(c, after)[1] > times(c, before)[1]
                checked += 1
    assert checked >= 3, "the window should hold refunded orders in the shops"


def test_later_pull_shows_later_status_and_modified_date(world, sims):
    checked = 0
    for c in SHOPS:
        shop_index = next(k for k, s in enumerate(world.shops) if s.connector == c)
        for day, sim in sims.items():
            o = sim.orders
            for i in range(len(o)):
                lag = int(o.fulfil_lag_days[i])
                if lag < 1 or o.cancel_lag_days[i] >= 0 or o.shop[i] != shop_index:
                    continue
                oid = int(o.order_id[i])
                early = render_day(world, c, sim, day)[oid]
                later = render_day(world, c, sim, day + timedelta(days=lag))[oid]
                assert not fulfilled(c, early) and fulfilled(c, later)
                created, modified = times(c, early)
                assert modified == created
                assert times(c, later)[0] == created
                assert times(c, later)[1] >= datetime.combine(day + timedelta(days=lag), datetime.min.time(), UTC)
                checked += 1
    assert checked >= 10


def test_times_are_ordered_and_before_the_pull(pulled):
    pulled_at = RenderContext(None, "shopify", LATE).pulled_at  # type: ignore[arg-type]
    for c in SHOPS:
        for r in pulled[(c, "orders")]:
            created, modified = times(c, r)
            assert created <= modified <= pulled_at
            if c == "shopify":
                for f in r["refunds"]:
                    assert created < datetime.fromisoformat(f["created_at"]) <= modified


def test_buyer_is_the_visitor_analytics_knows(pulled, sims, sim_orders, world):
    guests = 0
    for c in SHOPS:
        for r in pulled[(c, "orders")]:
            day, i = sim_orders[r["id"]]
            o = sims[day].orders
            who = visitor_identity(world, int(o.visitor[i]))
            customer_id, email = buyer(c, r)
            assert email == who["email"]
            if c == "shopify":
                assert customer_id == who["customer_id"]
                assert r["customer"]["state"] == ("disabled" if o.guest[i] else "enabled")
                assert r["billing_address"]["last_name"] == who["last_name"]
            else:
                assert customer_id == (0 if o.guest[i] else who["customer_id"])
                guests += bool(o.guest[i])
    assert guests > 0, "the window should hold guest checkouts in BigCommerce or WooCommerce"


def test_landing_site_carries_the_session_utms(pulled, sims, sim_orders, world):
    paid = 0
    for c in ("shopify", "woocommerce"):
        for r in pulled[(c, "orders")]:
            day, i = sim_orders[r["id"]]
            s = sims[day].sessions
            sess = int(sims[day].orders.session[i])
            if c == "shopify":
                landing = r["landing_site"]
            else:
                meta = {m["key"]: m["value"] for m in r["meta_data"]}
                landing = meta["_wc_order_attribution_session_entry"].split(world.site_domain, 1)[1]
                assert meta["_wc_order_attribution_utm_source"] == s.source[sess]
                assert meta["_wc_order_attribution_utm_medium"] == s.medium[sess]
                assert meta.get("_wc_order_attribution_utm_campaign") == s.campaign[sess]
            if s.channel[sess] == PAID:
                ad = world.ad_accounts[s.account[sess]].ads[s.ad[sess]]
                assert f"https://{world.site_domain}{landing}" == ad.final_url
                paid += 1
            elif s.medium[sess] == "email":
                assert "utm_source=newsletter&utm_medium=email&utm_campaign=" in landing
            else:
                assert landing == s.landing_path[sess]
    assert paid > 0


def test_line_items_point_at_rendered_products(pulled):
    for c in SHOPS:
        products = pulled[(c, "products")]
        variant_ids = {v["id"] for p in products for v in p["variants"]} if c != "woocommerce" else set()
        product_ids = {p["id"] for p in products}
        for r in pulled[(c, "orders")]:
            for li in r["products" if c == "bigcommerce" else "line_items"]:
                assert li["product_id"] in product_ids
                if c == "woocommerce":
                    parent = next(p for p in products if p["id"] == li["product_id"])
                    assert li["variation_id"] in (parent["variations"] or [0])
                else:
                    assert li["variant_id"] in variant_ids


def test_renders_are_deterministic(tenant, pulled):
    assert collect(tenant, build_world(tenant), LATE) == pulled


def test_a_day_after_the_pull_has_no_orders(world, sims):
    day = DAYS[-1]
    for c in SHOPS:
        assert render_day(world, c, sims[day], day - timedelta(days=1)) == {}
        assert render_day(world, c, sims[day], day)
