"""Live sources against the API simulator (helpers and fixtures): a tenant's configuration in both modes, a
started simulator, and what landed, compared table by table.

The simulator serves the tenant from its simulated configuration; the live configuration is the same tenant
with the platform's sources set to `mode: live` on the simulated account ids, its base URL the simulator's.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from gata.config import load_config
from gata.config.tenants import GataConfig
from gata.connectors.simulator.server import SimulatorServer
from gata.ingest.land import dataset_name
from gata.simulation.world import build_world
from gata.workspace import Workspace

TENANT = "acme_live"
END = date(2024, 5, 20)
LANDING_META = ("_dlt_load_id", "_dlt_id")
FAST = {"poll_interval_seconds": 0.05, "backoff_seconds": 0.05, "max_retry_delay_seconds": 2}

BASE_TENANT = {
    "slug": TENANT,
    "name": "Acme Live",
    "seed": 11,
    "sources": {
        "facebook_ads": {"generation": {"campaigns": 3, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "instagram_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "tiktok_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "google_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "linkedin_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "bing_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "amazon_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 2, "ads_per_ad_group": 2}},
        "shopify": {"generation": {"products": 10}},
    },
}
# a second business whose ad accounts the live tenant also reads (two accounts of one platform)
OTHER_TENANT = {
    "slug": "other_brand",
    "name": "Other Brand",
    "seed": 5,
    "sources": {
        "facebook_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "tiktok_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "google_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "linkedin_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "bing_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "amazon_ads": {"generation": {"campaigns": 2, "ad_groups_per_campaign": 1, "ads_per_ad_group": 2}},
        "shopify": {"generation": {"products": 5}},  # Amazon advertises the shop's products
    },
}


DAYS = 35  # over Meta's async_after_days (31) and TikTok's 30-day report span: both paths exercised


@dataclass(frozen=True)
class Platform:
    """What the shared live tests need to know about one platform."""

    prefix: str  # its path prefix on the simulator
    connectors: tuple[str, ...]
    secrets: tuple[str, ...]  # secret names; the first (the token the simulator checks) gets the token
    report: str  # the daily object
    day_column: str  # the report's day, as text starting YYYY-MM-DD
    report_path: str  # a fragment of the report requests' path
    entity_path: str  # a fragment of an entity request's path
    is_report: Callable[[dict], bool]  # a logged request -> is it a read of the report?
    first_asked: Callable[[dict], str]  # a report request's params -> the first day it asks for
    options: Callable[[str], dict] = lambda base_url: {}  # extra options, from the platform's base URL
    job_path: str | None = None  # where asynchronous report jobs are started, for platforms that have them

    @property
    def token_secret(self) -> str:
        return self.secrets[0]

    def env(self, tenant: str, token: str) -> dict[str, str]:
        return {
            f"SOURCES__{tenant.upper()}__{c.upper()}__{name.upper()}": token
            if name == self.token_secret
            else f"{name}-x"
            for c in self.connectors
            for name in self.secrets
        }


PLATFORMS = {
    "meta": Platform(
        "meta",
        ("facebook_ads", "instagram_ads"),
        ("access_token",),
        "facebook_insights",
        "date_start",
        "/insights",
        "/adsets",
        lambda r: r["path"].endswith("/insights") and r["method"] == "GET",
        lambda p: json.loads(p["time_range"])["since"],
        job_path="/insights",
    ),
    "tiktok": Platform(
        "tiktok",
        ("tiktok_ads",),
        ("access_token", "app_id", "secret"),
        "ads_reports_daily",
        "stat_time_day",
        "/report/integrated/get/",
        "/adgroup/get/",
        lambda r: "/report/integrated/get/" in r["path"],
        lambda p: p["start_date"],
    ),
    "google": Platform(
        "google",
        ("google_ads",),
        ("refresh_token", "developer_token", "client_id", "client_secret"),
        "ad_performance",
        '"segments.date"',
        ":searchStream",
        ":searchStream",
        lambda r: "segments.date BETWEEN" in r["params"].get("query", ""),
        lambda p: re.search(r"BETWEEN '([\d-]+)'", p["query"]).group(1),
        lambda base_url: {"auth_url": f"{base_url}/token"},
    ),
    "linkedin": Platform(
        "linkedin",
        ("linkedin_ads",),
        ("access_token",),
        "ad_analytics",
        "start_date",
        "/adAnalytics",
        "/adCampaigns",
        lambda r: r["path"].endswith("/adAnalytics"),
        lambda p: "{}-{:02d}-{:02d}".format(*map(int, re.findall(r"\d+", p["dateRange"])[:3])),
    ),
    "bing": Platform(
        "bing",
        ("bing_ads",),
        ("refresh_token", "client_id", "developer_token"),
        "account_performance_report",
        '"TimePeriod"',
        "/GenerateReport/",
        "/AdGroups/",
        lambda r: r["path"].endswith("/GenerateReport/Submit"),
        lambda p: p["start"],
        lambda base_url: {"auth_url": f"{base_url}/token"},
        "/GenerateReport/Submit",
    ),
    "amazon": Platform(
        "amazon",
        ("amazon_ads",),
        ("refresh_token", "client_id", "client_secret"),
        "advertised_product_report",
        "date",
        "/reporting/reports",
        "/sp/adGroups/list",
        lambda r: r["path"].endswith("/reporting/reports") and r["method"] == "POST",
        lambda p: p["start"],
        lambda base_url: {"auth_url": f"{base_url}/token"},
        "/reporting/reports",
    ),
}


def write_config(path: Path, tenants: list[dict]) -> GataConfig:
    path.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
    return load_config(path)


def account_id(config: GataConfig, slug: str, connector: str) -> str:
    return build_world(config.tenant(slug)).ad_account(connector).account_id


def live_tenant(base_urls: dict[str, str], accounts: dict[str, list[str]], **options) -> dict:
    """The base tenant with each connector of `accounts` live on those accounts."""
    tenant = copy.deepcopy(BASE_TENANT)
    for connector, ids in accounts.items():
        source = tenant["sources"].setdefault(connector, {})
        platform = next(p for p in PLATFORMS.values() if connector in p.connectors)
        base = base_urls[connector]
        source.update(
            {
                "mode": "live",
                "accounts": ids,
                "options": {"base_url": base, **platform.options(base), **FAST, **options},
            }
        )
    return tenant


@pytest.fixture(scope="session")
def sim_config(tmp_path_factory) -> GataConfig:
    return write_config(tmp_path_factory.mktemp("sim") / "tenants.yaml", [BASE_TENANT, OTHER_TENANT])


@pytest.fixture(scope="session")
def simulator(sim_config) -> Iterator[SimulatorServer]:
    with SimulatorServer(sim_config, as_of=END) as server:
        yield server


@pytest.fixture(scope="session")
def reference(tmp_path_factory, sim_config) -> Workspace:
    """The base tenant landed in simulated mode: what every live pull must land."""
    from gata.ingest.run import ingest_tenant

    ws = Workspace.resolve(tmp_path_factory.mktemp("reference"))
    ingest_tenant(sim_config, TENANT, ws, days=DAYS, end_date=END)
    return ws


@pytest.fixture(scope="session")
def other_reference(tmp_path_factory, sim_config) -> Workspace:
    from gata.ingest.run import ingest_tenant

    ws = Workspace.resolve(tmp_path_factory.mktemp("other"))
    ingest_tenant(sim_config, OTHER_TENANT["slug"], ws, days=DAYS, end_date=END)
    return ws


@pytest.fixture
def sim(simulator) -> Iterator[SimulatorServer]:
    """The shared simulator, reset around each test: clock at END, no faults, no request log."""
    simulator.clock(END)
    simulator.clear_faults()
    simulator.clear_requests()
    yield simulator
    simulator.clear_faults()


def warehouse(ws: Workspace, tenant: str = TENANT) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(ws.warehouse_path(tenant)), read_only=True)


def tables(ws: Workspace, tenant: str, connector: str) -> dict[str, tuple[list[tuple[str, str]], int, str]]:
    """Per landed table of the source: its columns and types (landing's own left out), row count and an
    order-independent digest of the rows over those columns."""
    dataset = dataset_name(tenant, connector)
    out = {}
    with warehouse(ws, tenant) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_name not like '_dlt%'",
                [dataset],
            ).fetchall()
        ]
        for name in sorted(names):
            cols = sorted(
                (c, t)
                for c, t in con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [dataset, name],
                ).fetchall()
                if c not in LANDING_META
            )
            pack = ", ".join(f'"{c}" := "{c}"' for c, _ in cols)
            count, digest = con.execute(
                f"select count(*), md5(string_agg(doc, '' order by doc)) from "
                f'(select to_json(struct_pack({pack}))::varchar as doc from "{dataset}"."{name}")'
            ).fetchone()
            out[name] = (cols, count, digest)
    return out


def rows(ws: Workspace, sql: str, params: list | None = None, tenant: str = TENANT) -> list[tuple]:
    with warehouse(ws, tenant) as con:
        return con.execute(sql, params or []).fetchall()


def nothing_landed(ws: Workspace, connector: str) -> bool:
    """No table of the source's dataset exists (nor, before any landing, the warehouse)."""
    if not ws.warehouse_path(TENANT).exists():
        return True
    sql = "select 1 from information_schema.tables where table_schema = ?"
    return not rows(ws, sql, [dataset_name(TENANT, connector)])
