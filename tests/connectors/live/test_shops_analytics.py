"""The shops (Shopify GraphQL, BigCommerce, WooCommerce) and analytics tools (GA4's BigQuery export, Amplitude,
Mixpanel) live against the simulator: they land exactly what simulated mode lands, onboarding and sync alike;
429, 5xx and each platform's throttling are retried with no duplicate; a refused credential fails the run naming
tenant, source and remedy with nothing half-landed; a malformed page fails the run and a rerun lands all; an
order refunded after the last pull is updated by the next sync, not duplicated; `connect` lists accounts; a
planted secret shows up nowhere."""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from live_fixtures import END, FAST, rows, tables, write_config

from gata.config.tenants import GataConfig
from gata.connectors.live.errors import CredentialsError, MalformedResponseError, ReportTimeoutError
from gata.connectors.live.pull import connect
from gata.connectors.live.source import live_module
from gata.connectors.simulator.server import SimulatorServer
from gata.connectors.simulator.state import site_account_id
from gata.ingest.land import dataset_name
from gata.ingest.run import generate_sync, ingest_tenant, land_pending
from gata.simulation.world import build_world
from gata.workspace import Workspace

TENANT = "shops_live"
DAYS = 8
SHOPS = ("shopify", "bigcommerce", "woocommerce")
ANALYTICS = ("google_analytics", "amplitude", "mixpanel")
SOURCES = (*SHOPS, *ANALYTICS)
TENANT_DOC = {
    "slug": TENANT,
    "name": "Shops Live",
    "seed": 7,
    "sources": {
        "shopify": {"generation": {"products": 8, "refund_rate": 0.3, "order_share": 2.0}},
        "bigcommerce": {"generation": {"products": 5, "refund_rate": 0.2}},
        "woocommerce": {"generation": {"products": 5, "refund_rate": 0.2}},
        "google_analytics": {"generation": {"daily_sessions": 120, "users": 3000, "conversion_rate": 0.06}},
        "amplitude": {"generation": {"traffic_share": 0.7}},
        "mixpanel": {"generation": {"traffic_share": 0.7}},
    },
}
# connector -> (the simulator module serving it, secret names; the first is what the simulator checks)
SIMULATORS = {
    "shopify": "gata.connectors.ecommerce.shopify.simulator",
    "bigcommerce": "gata.connectors.ecommerce.bigcommerce.simulator",
    "woocommerce": "gata.connectors.ecommerce.woocommerce.simulator",
    "google_analytics": "gata.connectors.analytics.ga4.simulator",
    "amplitude": "gata.connectors.analytics.amplitude.simulator",
    "mixpanel": "gata.connectors.analytics.mixpanel.simulator",
}
WIRING = {
    c: (
        importlib.import_module(m).PREFIX,
        getattr(importlib.import_module(m), "BASE_SUFFIX", ""),
        live_module(c).SECRETS,
    )
    for c, m in SIMULATORS.items()
}
# a fragment of the path of each source's data pages (faults aimed at them)
DATA_PATH = {
    "shopify": "/graphql.json",
    "bigcommerce": "/v2/orders",
    "woocommerce": "/wc/v3/orders",
    "google_analytics": "/data",
    "amplitude": "/api/2/export",
    "mixpanel": "/api/2.0/export",
}


def token(connector: str) -> str:
    return f"tok-{connector}-for-tests"


def secret_env(connector: str, name: str) -> str:
    return f"SOURCES__{TENANT.upper()}__{connector.upper()}__{name.upper()}"


@pytest.fixture(scope="module")
def shop_config(tmp_path_factory) -> GataConfig:
    return write_config(tmp_path_factory.mktemp("shops") / "tenants.yaml", [TENANT_DOC])


@pytest.fixture(scope="module")
def shop_sim(shop_config) -> Iterator[SimulatorServer]:
    with SimulatorServer(shop_config, as_of=END) as server:
        yield server


@pytest.fixture(scope="module")
def shop_reference(tmp_path_factory, shop_config) -> Workspace:
    ws = Workspace.resolve(tmp_path_factory.mktemp("shops-reference"))
    ingest_tenant(shop_config, TENANT, ws, days=DAYS, end_date=END)
    return ws


@pytest.fixture
def sim(shop_sim, monkeypatch) -> Iterator[SimulatorServer]:
    """The module's simulator reset (clock at END, no faults, empty log), every source's secrets set."""
    shop_sim.clock(END)
    shop_sim.clear_faults()
    shop_sim.clear_requests()
    for connector, (_, _, names) in WIRING.items():
        shop_sim.token(token(connector), "valid")
        for k, name in enumerate(names):
            monkeypatch.setenv(secret_env(connector, name), token(connector) if k == 0 else f"{name}-value")
    yield shop_sim
    shop_sim.clear_faults()


def account(config: GataConfig, connector: str) -> str:
    return site_account_id(build_world(config.tenant(TENANT)), connector)


def live_config(tmp_path, sim: SimulatorServer, sim_config: GataConfig, live: tuple[str, ...] = SOURCES, **options):
    doc = json.loads(json.dumps(TENANT_DOC))
    for connector in live:
        prefix, suffix, _ = WIRING[connector]
        base = sim.url(prefix)
        extra = {"auth_url": f"{base}/token"} if connector == "google_analytics" else {}
        doc["sources"][connector].update(
            {
                "mode": "live",
                "accounts": [account(sim_config, connector)],
                "options": {"base_url": base + suffix, **extra, **FAST, **options},
            }
        )
    return write_config(tmp_path / "tenants.yaml", [doc])


def nothing_landed(ws: Workspace) -> bool:
    """No table of any of the sources (nor, before any landing, the warehouse)."""
    if not ws.warehouse_path(TENANT).exists():
        return True
    sql = "select 1 from information_schema.tables where table_schema in ({})".format(",".join("?" * len(SOURCES)))
    return not rows(ws, sql, [dataset_name(TENANT, c) for c in SOURCES], tenant=TENANT)


def source_tables(ws: Workspace, connectors=SOURCES) -> dict:
    return {c: tables(ws, TENANT, c) for c in connectors}


def test_live_lands_exactly_what_simulated_mode_lands(tmp_path, sim, shop_config, shop_reference):
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(live_config(tmp_path, sim, shop_config), TENANT, ws, days=DAYS, end_date=END)
    live, simulated = source_tables(ws), source_tables(shop_reference)
    for connector in SOURCES:
        assert live[connector] == simulated[connector], connector
    counts = {c: {t: n for t, (_, n, _) in live[c].items()} for c in SOURCES}
    assert all(counts[c]["orders"] > 5 and counts[c]["products"] >= 5 for c in SHOPS), counts
    assert counts["google_analytics"]["events"] > 1000 and counts["amplitude"]["users"] > 50, counts
    assert counts["mixpanel"]["people"] > 5, counts
    paths = [r["path"] for r in sim.requests()]
    assert any("events_intraday_" in p for p in paths) and any("/events_2024" in p for p in paths)  # GA4 intraday
    assert sum("/products" in p for p in paths if p.startswith("/bigcommerce/")) > 5  # sub-resources expanded


def test_throttling_and_server_errors_are_retried_without_duplicates(tmp_path, sim, shop_config, shop_reference):
    for connector, path in DATA_PATH.items():
        prefix = f"/{WIRING[connector][0]}/"
        sim.fault("throttle", path, times=1, retry_after=0)
        sim.fault("500", path, times=1)
        sim.fault("503", prefix, times=1)
    sim.fault("429", DATA_PATH["shopify"], times=1, retry_after=1)
    ws = Workspace.resolve(tmp_path / "ws")
    started = time.monotonic()
    ingest_tenant(live_config(tmp_path, sim, shop_config), TENANT, ws, days=DAYS, end_date=END)
    assert time.monotonic() - started >= 1  # Retry-After honoured
    log = sim.requests()
    for connector in SOURCES:
        statuses = [r["status"] for r in log if r["path"].startswith(f"/{WIRING[connector][0]}/")]
        assert statuses.count(500) == 1 and statuses.count(503) == 1, connector
    shopify_throttles = [r for r in log if r["path"].endswith("/graphql.json") and r["status"] in (200, 429)]
    assert len(shopify_throttles) > 2
    assert source_tables(ws) == source_tables(shop_reference)
    for connector, obj, key in (("shopify", "orders", "id"), ("amplitude", "events", '"$insert_id"')):
        table = f'"{dataset_name(TENANT, connector)}".{obj}'
        [(total, distinct)] = rows(ws, f"select count(*), count(distinct {key}) from {table}", tenant=TENANT)
        assert total == distinct


def test_a_refused_credential_fails_the_sync_naming_tenant_source_and_remedy_and_lands_nothing(
    tmp_path, sim, shop_config
):
    """Onboard, then revoke the credential of the last source the sync reads (so the others have been read):
    the sync fails naming it, and no source has landed anything."""
    cfg = live_config(tmp_path, sim, shop_config)
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(cfg, TENANT, ws, days=3, end_date=END)
    before = source_tables(ws)
    source = cfg.tenant(TENANT).live_sources()[-1].connector
    sim.token(token(source), "revoked")
    sim.clock(END + timedelta(days=2))
    with pytest.raises(CredentialsError) as failed:
        generate_sync(cfg, TENANT, ws, through=END + timedelta(days=2))
    message = str(failed.value)
    assert f"tenant '{TENANT}'" in message and f"source '{source}'" in message and "revoked" in message
    renew = secret_env(source, live_module(source).RULES.secret)
    assert f"gata connect {TENANT} {source}" in message and renew in message
    assert token(source) not in message
    assert source_tables(ws) == before


@pytest.mark.parametrize("connector", SOURCES)
def test_connect_lists_accounts_names_missing_ones_and_refuses_a_revoked_credential(
    tmp_path, sim, shop_config, connector
):
    cfg = live_config(tmp_path, sim, shop_config, live=(connector,))
    tenant = cfg.tenant(TENANT)
    source = tenant.source(connector)
    readable, missing = connect(tenant, source, cfg.catalog)
    assert account(shop_config, connector) in {a.id for a in readable} and missing == []
    if connector != "amplitude":  # an Amplitude key pair opens its one project: nothing to list
        wrong = "nosuch-1" if connector != "google_analytics" else f"{source.accounts[0].split('.')[0]}.analytics_1"
        assert connect(tenant, source.model_copy(update={"accounts": [wrong]}), cfg.catalog)[1] == [wrong]
    sim.token(token(connector), "revoked")
    with pytest.raises(CredentialsError, match=f"tenant '{TENANT}', source '{connector}'.*(revoked|refused)"):
        connect(tenant, source, cfg.catalog)


def test_a_malformed_page_fails_the_run_and_a_rerun_lands_everything(tmp_path, sim, shop_config, shop_reference):
    """One malformed page per source: each run fails on the next one with nothing landed; then all lands."""
    for path in DATA_PATH.values():
        sim.fault("malformed", path, times=1)
    cfg = live_config(tmp_path, sim, shop_config)
    ws = Workspace.resolve(tmp_path / "ws")
    failed = []
    for _ in SOURCES:
        with pytest.raises(MalformedResponseError, match="malformed page") as error:
            ingest_tenant(cfg, TENANT, ws, days=3, end_date=END)
        failed.append(error.value.connector)
        assert nothing_landed(ws)
    assert sorted(failed) == sorted(SOURCES)
    ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    assert source_tables(ws) == source_tables(shop_reference)


def test_a_shopify_bulk_backfill_lands_what_the_paged_pull_lands(tmp_path, sim, shop_config, shop_reference):
    """A window longer than async_after_days is read as a bulk operation; one that never finishes times out."""
    sim.fault("stuck_job", "/graphql.json", times=1)
    stuck = live_config(tmp_path, sim, shop_config, live=("shopify",), async_after_days=3, report_timeout_seconds=1)
    with pytest.raises(ReportTimeoutError, match="bulk operation did not finish within 1 s"):
        ingest_tenant(stuck, TENANT, Workspace.resolve(tmp_path / "stuck"), days=DAYS, end_date=END)
    sim.clear_requests()
    cfg = live_config(tmp_path, sim, shop_config, live=("shopify",), async_after_days=3)
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(cfg, TENANT, ws, days=DAYS, end_date=END)
    assert tables(ws, TENANT, "shopify") == tables(shop_reference, TENANT, "shopify")
    assert any(r["path"].startswith("/shopify/bulk/") and r["status"] == 200 for r in sim.requests())


def _refunded_later(config: GataConfig) -> tuple[int, date, date]:
    """A Shopify order of the window not refunded as of END and refunded later: (id, placed, refunded)."""
    from gata.connectors.base import RenderContext
    from gata.connectors.registry import connector_module
    from gata.simulation.day import simulate_day

    world = build_world(config.tenant(TENANT))
    module = connector_module("shopify")
    found = []
    for k in range(DAYS):
        day = END - timedelta(days=k)
        later = module.daily(RenderContext(world, "shopify", END + timedelta(days=30)), simulate_day(world, day))
        for order in later["orders"]:
            if order["refunds"]:
                refunded = datetime.fromisoformat(order["refunds"][0]["created_at"]).astimezone(UTC).date()
                if refunded > END:
                    found.append((abs((refunded - day).days - 10), order["id"], day, refunded))
    assert found, "the seed gives no order refunded after END"
    _, order_id, placed, refunded = min(found)
    return order_id, placed, refunded


def test_a_sync_lands_what_simulated_mode_lands_and_updates_a_later_refund_in_place(tmp_path, sim, shop_config):
    """Onboard as of END, sync on the day an order of the window is refunded: the order is updated (one row,
    refunded), Shopify was asked for what changed since the look-back start (`updated_at`), and every source
    lands what a simulated sync lands."""
    order_id, placed, refunded = _refunded_later(shop_config)
    assert (refunded - placed).days >= 2
    cfg = live_config(tmp_path, sim, shop_config)
    live, simulated = Workspace.resolve(tmp_path / "live"), Workspace.resolve(tmp_path / "simulated")
    for config, ws in ((cfg, live), (shop_config, simulated)):
        ingest_tenant(config, TENANT, ws, days=DAYS, end_date=END)
    orders = f'"{dataset_name(TENANT, "shopify")}".orders'
    status = f"select financial_status, _dlt_load_id from {orders} where id = ?"
    [(before, first_load)] = rows(live, status, [order_id], tenant=TENANT)
    assert before != "refunded" and "refund" not in before
    sim.clock(refunded)
    sim.clear_requests()
    for config, ws in ((cfg, live), (shop_config, simulated)):
        land_pending(generate_sync(config, TENANT, ws, through=refunded), ws)
    [(after, load)] = rows(live, status, [order_id], tenant=TENANT)
    assert "refunded" in after and load > first_load
    assert source_tables(live) == source_tables(simulated)
    searches = [r["params"].get("search", "") for r in sim.requests() if r["path"].endswith("/graphql.json")]
    assert any(f"updated_at:>='{(END - timedelta(days=DAYS - 1)).isoformat()}" in q for q in searches), searches


def test_a_planted_secret_appears_in_no_log_record_or_file(tmp_path, sim, shop_config, monkeypatch, caplog):
    secret = "planted-shop-secret-0b9e1f"
    for connector, (_, _, names) in WIRING.items():
        for name in names:
            monkeypatch.setenv(secret_env(connector, name), secret)
    sim.token(secret)
    caplog.set_level(logging.DEBUG)
    cfg = live_config(tmp_path, sim, shop_config)
    ws = Workspace.resolve(tmp_path / "ws")
    ingest_tenant(cfg, TENANT, ws, days=2, end_date=END)
    seen = [repr(connect(cfg.tenant(TENANT), cfg.tenant(TENANT).source(c), cfg.catalog)) for c in SOURCES]
    sim.token(secret, "revoked")
    sim.clock(END + timedelta(days=1))
    with pytest.raises(CredentialsError) as failed:
        generate_sync(cfg, TENANT, ws, through=END + timedelta(days=1))
    seen += [str(failed.value), repr(failed.value), caplog.text, json.dumps(sim.requests())]
    assert all(secret not in text for text in seen)
    files = [p for p in ws.root.rglob("*") if p.is_file()]
    assert len(files) > 5 and [p for p in files if secret.encode() in p.read_bytes()] == []
