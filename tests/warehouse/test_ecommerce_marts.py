"""fct_orders from the three shops, end to end: simulated days landed by dlt, built by dbt (master models,
intermediate extraction, engines, enforced contract and reconciliation tests), then checked against
totals the test computes itself from the landed raw records.

The tenant is the fixture's omni_corp (all 13 connectors; Shopify and BigCommerce in USD, WooCommerce in
EUR) with more refunds and cancellations than the defaults, so a short window still holds refunded,
partially refunded and cancelled orders in every shop.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
import yaml

from conftest import money, raw_order_refunded, raw_order_status, raw_order_total
from gata.config import load_config
from gata.config.loader import REPO_ROOT
from gata.ingest.run import ingest_tenant
from gata.warehouse.dbt_runner import DbtResult, DbtRunner, dbt_dir
from gata.warehouse.library import register_library
from gata.workspace import Workspace

SLUG = "omni_corp"
SHOPS = ("bigcommerce", "shopify", "woocommerce")
DAYS, END = 8, date(2025, 6, 30)
FCT = f"analytics.fct_{SLUG}__orders"


# --- configuration and build --------------------------------------------------------------------------


def _write_config(path: Path, excluded: list[str] | None = None) -> Path:
    """The fixture's tenants with omni_corp's shops refunding and cancelling more (and, optionally, other
    statuses excluded from revenue)."""
    doc = yaml.safe_load((REPO_ROOT / "tests/fixtures/all_connectors.yaml").read_text())
    tenant = next(t for t in doc["tenants"] if t["slug"] == SLUG)
    for shop in SHOPS:
        source = tenant["sources"][shop]
        source["generation"].update(refund_rate=0.3, cancel_rate=0.05)
        if excluded is not None:
            source["logic"] = {"excluded_order_statuses": excluded}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _selection() -> list[str]:
    """This domain's part of the tenant's graph: fct_orders and everything it is built from, with the
    reconciliation of each shop's orders (declared on their landed tables)."""
    return ["+fct_orders", *(f"+int_{shop}__products" for shop in SHOPS), *(f"source:{shop}.orders" for shop in SHOPS)]


def _build(ws: Workspace, cfg, select: list[str]) -> DbtResult:
    # buildable: leave out tests that also need models of other domains (fct_sessions' relationship to orders)
    return DbtRunner(ws, cfg.tenant(SLUG), cfg.catalog).invoke(
        ["build", "--full-refresh", "--select", *select, "--indirect-selection", "buildable"]
    )


def _assert_built(result: DbtResult) -> None:
    assert result.error is None, result.error
    assert not result.failed(), result.summary()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ecommerce")
    cfg = load_config(_write_config(root / "tenants.yaml"))
    tenant = cfg.tenant(SLUG)
    ws = Workspace.resolve(root / "ws")
    ingest_tenant(cfg, tenant, ws, days=DAYS, end_date=END)
    register_library(ws, cfg.catalog, SLUG)
    started = time.perf_counter()
    result = _build(ws, cfg, _selection())
    seconds = time.perf_counter() - started
    _assert_built(result)
    return {"root": root, "ws": ws, "cfg": cfg, "result": result, "seconds": seconds}


@pytest.fixture(scope="module")
def con(built):
    # dbt's in-process adapter may still hold the file open: connect with the same (default) configuration
    with duckdb.connect(str(built["ws"].warehouse_path(SLUG))) as c:
        yield c


@pytest.fixture(scope="module")
def raw(con) -> dict[str, dict[str, dict]]:
    """The landed records per shop, keyed by order id, as the API returned them (a key that never had a
    value is absent: dlt drops all-null columns)."""
    out = {}
    for shop in SHOPS:
        rows = con.execute(f"select to_json(o)::varchar from raw_{SLUG}__{shop}.orders as o").fetchall()
        records = [json.loads(r[0]) for r in rows]
        out[shop] = {str(r["id"]): r for r in records}
    return out


@pytest.fixture(scope="module")
def fct(con) -> dict[str, dict[str, dict]]:
    cur = con.execute(f"select * from {FCT}")
    names = [d[0] for d in cur.description]
    out: dict[str, dict[str, dict]] = {shop: {} for shop in SHOPS}
    for row in cur.fetchall():
        r = dict(zip(names, row, strict=True))
        out[r["source_platform"]][r["order_id"]] = r
    return out


# --- what the raw records say, computed here independently of the dbt macros ----------------------------


def _raw_customer(shop: str, r: dict) -> tuple[str | None, str]:
    """(customer id or None for a guest without one, email)."""
    if shop == "shopify":
        return str(r["customer"]["id"]), r["email"]
    if shop == "bigcommerce":
        return (str(r["customer_id"]) if r["customer_id"] else None), r["billing_address"]["email"]
    return (str(r["customer_id"]) if r["customer_id"] else None), r["billing"]["email"]


def _raw_units(shop: str, r: dict) -> int:
    lines = r["products"] if shop == "bigcommerce" else r["line_items"]
    return sum(line["quantity"] for line in lines)


def _fx() -> dict[tuple[str, str], Decimal]:
    with (REPO_ROOT / "warehouse/seeds/fx_rates.csv").open() as f:
        return {(row["fx_month"], row["fx_currency"]): Decimal(row["units_per_usd"]) for row in csv.DictReader(f)}


# --- the build ----------------------------------------------------------------------------------------


def test_build_and_dbt_tests_pass(built):
    result = built["result"]
    models = {n.unique_id.split(".")[-1]: n.status for n in result.nodes if n.resource_type == "model"}
    for shop in SHOPS:
        for obj in ("orders", "products"):
            assert models[f"int_{shop}__{obj}"] == "success"
    assert models["fct_orders"] == "success"
    tests = [n for n in result.nodes if n.resource_type == "test"]
    reconciliation = [n for n in tests if "gata_reconciles_with_mart" in n.unique_id]
    assert len(reconciliation) == 2 * len(SHOPS)  # order_count and total_price per shop
    assert all(n.status == "pass" for n in tests), result.summary()
    assert any("unique_fct_orders_order_key" in n.unique_id for n in tests)


def test_every_rendered_order_is_present_once(con, raw, fct):
    keys = con.execute(f"select order_key, count(*) from {FCT} group by 1 having count(*) > 1").fetchall()
    assert keys == []
    for shop in SHOPS:
        assert raw[shop], f"no {shop} orders landed"
        assert set(fct[shop]) == set(raw[shop])
        assert all(o["order_key"] == f"{shop}|{oid}" for oid, o in fct[shop].items())


def test_counts_and_revenue_reconcile_with_raw(raw, fct):
    for shop in SHOPS:
        orders = fct[shop].values()
        assert len(fct[shop]) == len(raw[shop])
        assert sum(o["total_price"] for o in orders) == sum(raw_order_total(shop, r) for r in raw[shop].values())
        # default logic: cancelled orders bring no revenue, refunds come off the rest
        expected_net = sum(
            raw_order_total(shop, r) - raw_order_refunded(shop, r)
            for r in raw[shop].values()
            if raw_order_status(shop, r) != "cancelled"
        )
        assert sum(o["net_revenue"] for o in orders) == expected_net


def test_customers_are_identified_in_every_shop(raw, fct):
    for shop in SHOPS:
        guests = 0
        for oid, r in raw[shop].items():
            o = fct[shop][oid]
            customer_id, email = _raw_customer(shop, r)
            assert o["customer_email"] is not None and o["customer_email"] == email.lower()
            assert o["customer_id"] == customer_id, (shop, oid)
            guests += customer_id is None
        # shopify keeps a customer for guest checkouts; the other two shops have both kinds in the window
        assert shop == "shopify" or 0 < guests < len(raw[shop])


def test_line_items_are_normalised(raw, fct):
    for shop in SHOPS:
        for oid, r in raw[shop].items():
            o = fct[shop][oid]
            lines = json.loads(o["line_items_json"])
            assert lines, (shop, oid)
            assert all(set(line) == {"product_id", "sku", "name", "quantity", "price"} for line in lines)
            assert all(line["product_id"] and line["sku"] and line["name"] and line["price"] > 0 for line in lines)
            assert sum(line["quantity"] for line in lines) == o["line_item_count"] == _raw_units(shop, r)
            # unit prices before discount add up to the subtotal
            subtotal = sum(money(line["price"]) * line["quantity"] for line in lines)
            assert subtotal == o["subtotal_price"], (shop, oid)


def test_canonical_statuses_and_refunds(raw, fct):
    seen = Counter()
    for shop in SHOPS:
        for oid, r in raw[shop].items():
            o = fct[shop][oid]
            status = raw_order_status(shop, r)
            assert o["financial_status"] == status, (shop, oid, o["financial_status"], status)
            assert o["refunded_amount"] == raw_order_refunded(shop, r), (shop, oid)
            if status == "refunded":
                assert o["refunded_amount"] == o["total_price"]
            if status == "partially_refunded":
                assert 0 < o["refunded_amount"] < o["total_price"]
            seen[shop, status] += 1
    for shop in SHOPS:
        assert seen[shop, "refunded"] + seen[shop, "partially_refunded"] > 0, f"{shop}: no refunds in the window"
    assert sum(n for (_, status), n in seen.items() if status == "partially_refunded") > 0
    assert sum(n for (_, status), n in seen.items() if status == "cancelled") > 0


def test_fulfilment_and_landing_attribution(raw, fct):
    for shop in SHOPS:
        assert {o["fulfillment_status"] for o in fct[shop].values()} <= {"fulfilled", "unfulfilled"}
    # shopify: the landing URL's UTMs; woocommerce: its order-attribution meta; bigcommerce records none
    for oid, r in raw["shopify"].items():
        query = parse_qs(urlsplit(r["landing_site"]).query)
        o = fct["shopify"][oid]
        for column, key in (
            ("landing_source", "source"),
            ("landing_medium", "medium"),
            ("landing_campaign", "campaign"),
        ):
            assert o[column] == query.get(f"utm_{key}", [None])[0], (oid, column)
    assert any(o["landing_medium"] == "cpc" for o in fct["shopify"].values())
    for oid, r in raw["woocommerce"].items():
        meta = {m["key"]: m["value"] for m in r["meta_data"]}
        o = fct["woocommerce"][oid]
        assert o["landing_source"] == meta.get("_wc_order_attribution_utm_source")
        assert o["landing_medium"] == meta.get("_wc_order_attribution_utm_medium")
        assert o["landing_campaign"] == meta.get("_wc_order_attribution_utm_campaign")
    assert all(o["landing_source"] is None for o in fct["bigcommerce"].values())


def test_reporting_currency(fct):
    fx = _fx()
    for shop, currency in (("shopify", "USD"), ("bigcommerce", "USD"), ("woocommerce", "EUR")):
        for o in fct[shop].values():
            assert o["currency"] == currency and o["reporting_currency"] == "USD"
            if currency == "USD":
                assert o["total_price_reporting"] == o["total_price"]
                assert o["net_revenue_reporting"] == o["net_revenue"]
            else:
                month = o["order_date"].replace(day=1).isoformat()
                rate = fx[month, "USD"] / fx[month, currency]
                assert o["total_price_reporting"] == money(o["total_price"] * rate)
                assert o["net_revenue_reporting"] == money(o["net_revenue"] * rate)
                assert o["total_price_reporting"] != o["total_price"]


def test_order_times_are_utc_and_in_the_window(raw, fct):
    for shop in SHOPS:
        for o in fct[shop].values():
            assert o["order_date"] == o["order_ts"].date()
            assert date(2025, 6, 30 - DAYS + 1) <= o["order_date"] <= END
            assert o["updated_ts"] >= o["order_ts"]
    # a fixed order: each API's spelling of the same instant parses to the same UTC time
    r = next(iter(raw["bigcommerce"].values()))
    o = fct["bigcommerce"][str(r["id"])]
    assert o["order_ts"].strftime("%d %b %Y %H:%M:%S") in r["date_created"]


def test_excluded_statuses_follow_the_tenant_logic(built, con, fct):
    """Same data, logic excluding refunds too: rebuilt from the intermediate models, no new ingestion."""
    root = built["root"]
    strict_ws = Workspace.resolve(root / "ws_strict")
    con.execute("checkpoint")  # the copy must hold everything written so far
    shutil.copytree(built["ws"].root, strict_ws.root)
    shutil.rmtree(dbt_dir(strict_ws, SLUG) / "target", ignore_errors=True)  # parsed for the other folder
    cfg = load_config(_write_config(root / "tenants_strict.yaml", excluded=["cancelled", "refunded"]))
    tenant = cfg.tenant(SLUG)
    assert tenant.source("shopify").logic.excluded_order_statuses == ["cancelled", "refunded"]
    _assert_built(_build(strict_ws, cfg, ["fct_orders"]))
    with duckdb.connect(str(strict_ws.warehouse_path(SLUG))) as c:
        rows = c.execute(
            f"select source_platform, order_id, financial_status, is_revenue, net_revenue from {FCT}"
        ).fetchall()
    assert len(rows) == sum(len(v) for v in fct.values())
    refunded = 0
    for shop, oid, status, is_revenue, net in rows:
        before = fct[shop][oid]
        if status in ("refunded", "cancelled"):
            assert is_revenue is False and net == 0
            refunded += status == "refunded"
        else:
            assert is_revenue is True and net == before["net_revenue"]
        if status == "refunded":
            assert before["is_revenue"] is True  # the default logic counted it (its net revenue is 0 anyway)
    assert refunded > 0


SPARSE = [
    {"id": 1},
    {
        "id": 2,
        "line_items": "not a list",
        "products": 5,
        "refunds": {},
        "variants": [1, {"sku": 2}],
        "total_price": "",
        "total": "n/a",
        "total_inc_tax": None,
        "created_at": "yesterday",
        "date_created": "",
        "date_created_gmt": "2025-13-45T00:00:00",
        "customer": None,
        "customer_id": 0,
        "billing": {},
        "meta_data": [1, {"key": "_wc_order_attribution_utm_source"}],
        "landing_site": "/",
    },
]


def test_missing_or_odd_keys_extract_to_null(built, con):
    """Each extraction, as compiled by the build, run over records that lack most keys or spell them oddly:
    NULLs, never an error."""
    compiled = dbt_dir(built["ws"], SLUG) / "target" / "compiled" / "gata" / "models" / "intermediate"
    catalog = built["cfg"].catalog
    for shop in SHOPS:
        for obj in ("orders", "products"):
            master = catalog[shop].master_model_name(obj)
            sql = (compiled / shop / f"int_{shop}__{obj}.sql").read_text()
            assert f'"platform"."{master}"' in sql
            con.execute(
                "create or replace temp table sparse as select ?::varchar as tenant_slug, 'k' as tenant_skey, "
                "?::varchar as source_platform, p->>'$.id' as natural_id, now()::timestamp as loaded_at, "
                "'1' as _dlt_load_id, 'h' as source_schema_hash, p as raw_data_payload "
                "from (select unnest(?::json[]) as p)",
                [SLUG, shop, [json.dumps(r) for r in SPARSE]],
            )
            cur = con.execute(sql.replace(f'"warehouse"."platform"."{master}"', "sparse"))
            names = [d[0] for d in cur.description]
            rows = {r[names.index("natural_id")]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
            assert set(rows) == {"1", "2"}, (shop, obj)
            id_column = "order_id" if obj == "orders" else "product_id"
            assert rows["1"][id_column] == "1"
            if obj == "orders":
                for row in rows.values():
                    for column in ("order_ts", "total_price", "customer_id", "customer_email", "landing_source"):
                        assert row[column] is None, (shop, column, row[column])
                assert rows["1"]["line_items_json"] is None and rows["1"]["refunded_amount"] == 0
