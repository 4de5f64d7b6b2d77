"""Observability end to end for tenants onboarded here (not the demo three): every endpoint returns the
tenant's real data; drift is recorded and the marts still build; a failing data test shows for its tenant
only; lineage of a mart reaches the dlt loads that produced it."""

from __future__ import annotations

from datetime import date

import duckdb
import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import start_server
from gata.api.keys import KeyStore
from gata.config import load_config
from gata.config.loader import DEFAULT_TENANTS
from gata.ingest.run import generate_tenant, land_pending
from gata.warehouse.onboard import OnboardingError, onboard
from gata.workspace import Workspace

ACME, BETA = "acme_obs", "beta_obs"
END = date(2026, 11, 20)
DAYS = 7


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("obs")
    demo = {t["slug"]: t for t in yaml.safe_load(DEFAULT_TENANTS.read_text())["tenants"]}
    tenants = [
        {**demo["stark_industries"], "slug": ACME, "name": "Acme Observed", "seed": 11},
        {**demo["wayne_enterprises"], "slug": BETA, "name": "Beta Observed", "seed": 12},
    ]
    config_path = root / "tenants.yaml"
    config_path.write_text(yaml.safe_dump({"tenants": tenants}, sort_keys=False))
    config = load_config(config_path)
    ws = Workspace.resolve(root / "ws")
    onboard(config, [ACME, BETA], ws, days=DAYS, end_date=END)
    keys = {slug: KeyStore(ws).create(slug)[1] for slug in (ACME, BETA)}
    proc, base = start_server(ws)
    yield {"ws": ws, "config": config, "base": base, "keys": keys}
    proc.terminate()
    proc.wait(timeout=30)


def get(env, tenant: str, path: str, **params) -> httpx.Response:
    return httpx.get(
        f"{env['base']}/observability/{tenant}/{path}",
        params=params,
        headers={"Authorization": f"Bearer {env['keys'][tenant]}"},
        timeout=60,
    )


def test_every_endpoint_returns_the_tenants_real_data(env):
    ws = env["ws"]
    summary = get(env, ACME, "summary").json()
    assert summary["status"] == "success" and summary["tenant"] == ACME
    assert summary["readiness"]["ready"] is True and len(summary["readiness"]["tables"]) == 6
    assert summary["latest_run_counts"]["tests_passed"] > 50 and summary["latest_run_counts"]["tests_failed"] == 0
    assert summary["freshness"]["tables"] > 5 and summary["freshness"]["data_through"] == END.isoformat()
    runs = get(env, ACME, "runs").json()
    assert runs[0]["kind"] == "onboard" and runs[0]["status"] == "success"
    assert [s["step"] for s in runs[0]["steps"]][:6] == [
        "validate",
        "generate",
        "land",
        "register",
        "configure",
        "build",
    ]
    tests = get(env, ACME, "tests").json()
    assert len(tests) > 50 and {t["status"] for t in tests} == {"pass"}
    assert all(t["owner"] == ACME for t in tests)  # one tenant's project: every node is its own
    assert any(t["tested_node"] == "model.gata.fct_orders" for t in tests)
    resolution = get(env, ACME, "identity-resolution").json()
    identity = {r["key_type"]: r for r in resolution["by_key"]}
    with duckdb.connect(str(ws.warehouse_path(ACME)), read_only=True) as con:
        want = dict(con.execute(f"select key_type, users from analytics.rpt_{ACME}__identity_match_rates").fetchall())
        people, customers = con.execute(
            f'select count(*), count(*) filter (where is_customer) from analytics."dim_{ACME}__users"'
        ).fetchone()
    assert {k: r["users"] for k, r in identity.items()} == want and want["analytics_id"] > 0
    assert resolution["people"] == people and resolution["customers"] == customers > 0
    assert sum(resolution["resolution"].values()) == people
    assert get(env, ACME, "drift").json() == []
    beta = get(env, BETA, "summary").json()
    assert beta["status"] == "success" and beta["tenant"] == BETA
    other = httpx.get(
        f"{env['base']}/observability/{BETA}/summary", headers={"Authorization": f"Bearer {env['keys'][ACME]}"}
    )
    assert other.status_code == 404


def test_lineage_of_a_mart_reaches_its_loads_with_row_counts(env):
    lineage = get(env, ACME, "lineage", table="orders").json()
    layers = [s["layer"] for s in lineage["steps"]]
    assert layers[:5] == ["landed", "staging", "master", "intermediate", "mart"]
    landed = {r["relation"]: r for r in lineage["steps"][0]["relations"]}
    shop_orders = [rel for rel in landed if rel.endswith('"orders"')]
    assert len(shop_orders) == 1, landed.keys()  # the tenant's one shop (WooCommerce, as stark_industries)
    shopify = landed[shop_orders[0]]
    raw = shop_orders[0].split(".", 1)[1]
    with duckdb.connect(str(env["ws"].warehouse_path(ACME)), read_only=True) as con:
        loads = con.execute(f"select distinct _dlt_load_id from {raw}").fetchall()
        rows = con.execute(f"select count(*) from {raw}").fetchone()[0]
        mart_rows = con.execute(f'select count(*) from analytics."fct_{ACME}__orders"').fetchone()[0]
        # row-level: every order of the mart comes from a landed record whose load id is on the path
        row_loads = con.execute(
            f'select distinct r._dlt_load_id from analytics."fct_{ACME}__orders" o '
            f"join {raw} r on r.id::varchar = o.order_id"
        ).fetchall()
    assert {ld["load_id"] for ld in shopify["loads"]} == {r[0] for r in loads}
    assert {r[0] for r in row_loads} <= {ld["load_id"] for ld in shopify["loads"]} and row_loads
    assert shopify["rows"] == rows
    mart = lineage["steps"][4]["relations"][0]
    assert mart["rows"] == mart_rows and mart["relation"].endswith(f'"fct_{ACME}__orders"')
    master = lineage["steps"][2]["relations"]
    assert all(r["rows"] is not None for r in master)
    bad = get(env, ACME, "lineage", table="payroll")
    assert bad.status_code == 404 and "orders" in bad.json()["detail"]


def _landed_load_ids(con, connector: str, table: str, natural_ids: list[str]) -> set[str]:
    rows = con.execute(
        f"select distinct _dlt_load_id from raw_{ACME}__{connector}.{table} where _gata_natural_id in "
        f"(select unnest(?::varchar[]))",
        [natural_ids],
    ).fetchall()
    return {r[0] for r in rows}


def test_a_mart_row_resolves_to_the_load_ids_that_produced_it(env):
    def traced(table: str, key: str) -> dict:
        res = get(env, ACME, "lineage/row", table=table, key=key)
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["load_ids"] == sorted(body["load_ids"]) and body["load_ids"]
        assert [ld["load_id"] for ld in body["loads"]] == body["load_ids"]
        assert all(ld["landed"] and ld["loaded_at"] for ld in body["loads"])  # each load is a recorded one
        return body

    with duckdb.connect(str(env["ws"].warehouse_path(ACME)), read_only=True) as con:
        mart = f'analytics."fct_{ACME}__'
        order_key, order_id = con.execute(
            f'select order_key, order_id from {mart}orders" order by 1 limit 1'
        ).fetchone()
        event_id = con.execute(f'select event_id from {mart}events" order by 1 limit 1').fetchone()[0]
        # the session with the most events: its lineage is the union of theirs
        session_id, event_ids = con.execute(
            f'select session_id, list(event_id) from {mart}events" group by 1 order by count(*) desc, 1 limit 1'
        ).fetchone()
        perf_key, ad_id, day, campaign_id = con.execute(
            f"select ad_performance_key, ad_id, strftime(report_date, '%Y-%m-%d'), campaign_id "
            f"from {mart}ad_performance\" where source_platform = 'facebook_ads' order by 1 limit 1"
        ).fetchone()
        campaign_key = con.execute(
            f'select campaign_key from analytics."dim_{ACME}__campaigns" where campaign_id = ? '
            f"and source_platform = 'facebook_ads'",
            [campaign_id],
        ).fetchone()[0]
        user_key, user_orders = con.execute(
            f'select user_key, orders from analytics."dim_{ACME}__users" where orders > 0 order by 1 limit 1'
        ).fetchone()
        expected = {
            ("orders", order_key): _landed_load_ids(con, "woocommerce", "orders", [order_id]),
            ("events", event_id): _landed_load_ids(con, "mixpanel", "events", [event_id]),
            ("sessions", session_id): _landed_load_ids(con, "mixpanel", "events", event_ids),
            ("campaigns", campaign_key): _landed_load_ids(con, "facebook_ads", "campaigns", [campaign_id]),
        }
        insights = _landed_load_ids(con, "facebook_ads", "facebook_insights", [f"{ad_id}|{day}"])
        all_loads = {
            r[0]
            for r in con.execute(
                "select load_id from gata_platform.ingest_loads where tenant_slug = ?", [ACME]
            ).fetchall()
        }
    for (table, key), load_ids in expected.items():
        assert load_ids, (table, key)
        assert set(traced(table, key)["load_ids"]) == load_ids, (table, key)
    # an ad's day: its insights record and the campaign record that names it
    assert set(traced("ad_performance", perf_key)["load_ids"]) == insights | expected[("campaigns", campaign_key)]
    assert user_orders > 0 and set(traced("users", user_key)["load_ids"]) <= all_loads
    # unknown keys, and another tenant's row through this tenant, are not found
    assert get(env, ACME, "lineage/row", table="orders", key="no such order").status_code == 404
    with duckdb.connect(str(env["ws"].warehouse_path(BETA)), read_only=True) as con:
        foreign = con.execute(f'select order_key from analytics."fct_{BETA}__orders" limit 1').fetchone()[0]
    assert get(env, ACME, "lineage/row", table="orders", key=foreign).status_code == 404
    assert get(env, ACME, "lineage/row", table="payroll", key="x").status_code == 404


def test_drift_is_recorded_and_nothing_is_lost(env):
    ws, config = env["ws"], env["config"]
    pending = generate_tenant(config, ACME, ws, days=2, end_date=END)
    staged = pending.staged.objects[("facebook_ads", "campaigns")]
    for path in staged.files:
        table = pq.read_table(path)
        n = table.num_rows
        table = table.drop_columns(["bid_strategy"])
        table = table.set_column(
            table.schema.get_field_index("buying_type"), "buying_type", pa.array(list(range(n)), pa.int64())
        )
        table = table.append_column("creative_rotation", pa.array(["even"] * n))
        pq.write_table(table, path)
    run = land_pending(pending, ws)
    load_id = next(ld.load_ids[0] for ld in run.loads if ld.connector == "facebook_ads")
    onboard(config, [ACME], ws, ingest=False)  # the marts still build and test clean
    found = {(d["field"], d["change"]): d for d in get(env, ACME, "drift").json()}
    assert set(found) == {("creative_rotation", "added"), ("bid_strategy", "removed"), ("buying_type", "type_changed")}
    assert {d["first_seen_load_id"] for d in found.values()} == {load_id}
    assert found[("buying_type", "type_changed")]["observed_type"] == "BIGINT"
    assert found[("buying_type", "type_changed")]["expected_type"] == "VARCHAR"
    with duckdb.connect(str(ws.warehouse_path(ACME)), read_only=True) as con:
        payload = con.execute(
            "select count(*) filter (where raw_data_payload->>'creative_rotation' = 'even'), count(*) "
            "from platform.platform_mm__facebook_ads_api_v1_campaigns where tenant_slug = ?",
            [ACME],
        ).fetchone()
        campaigns = con.execute(f'select count(*) from analytics."dim_{ACME}__campaigns"').fetchone()[0]
    assert payload[0] > 0, "the new field is readable from the payload"
    assert campaigns > 0
    assert get(env, BETA, "drift").json() == [], "drift is the tenant's own"
    assert get(env, ACME, "summary").json()["drift_findings"] == 3


def test_a_failing_data_test_shows_for_its_tenant_only(env):
    ws, config = env["ws"], env["config"]
    with duckdb.connect(str(ws.warehouse_path(ACME))) as con:  # a source delivering one record twice
        con.execute(f"insert into raw_{ACME}__facebook_ads.campaigns from raw_{ACME}__facebook_ads.campaigns limit 1")
    with pytest.raises(OnboardingError):
        onboard(config, [ACME], ws, ingest=False)
    summary = get(env, ACME, "summary").json()
    assert summary["status"] == "failed" and summary["serving_last_good_data"] is True
    assert summary["latest_run_counts"]["tests_failed"] >= 1
    failed = get(env, ACME, "tests", status="fail").json()
    # the duplicate fails the uniqueness test of the master model, run on this tenant's slice only (its
    # build scope); dbt then skips everything downstream of it
    assert failed and all(t["run_id"] == summary["last_run"]["run_id"] for t in failed)
    assert any("platform_mm__facebook_ads_api_v1_campaigns" in t["unique_id"] and t["failures"] >= 1 for t in failed)
    assert all(t["owner"] in (ACME, "(shared)") for t in failed)
    assert get(env, BETA, "tests", status="fail").json() == []
    assert get(env, BETA, "summary").json()["status"] == "success"
    # the last good data keeps being served
    r = httpx.post(
        f"{env['base']}/semantic-layer/{ACME}/query",
        json={"model": "campaigns", "measures": ["campaigns"]},
        headers={"Authorization": f"Bearer {env['keys'][ACME]}"},
    )
    assert r.status_code == 200 and r.json()["rows"][0]["campaigns"] > 0


def test_status_and_drift_from_the_shell(env):
    import subprocess
    import sys
    from pathlib import Path

    gata = str(Path(sys.executable).parent / "gata")
    ws = str(env["ws"].root)
    status = subprocess.run(
        [gata, "status", BETA, "--output", "json", "--workspace", ws], capture_output=True, text=True
    )
    assert status.returncode == 0, status.stderr
    assert '"status": "success"' in status.stdout and f'"tenant": "{BETA}"' in status.stdout
    table = subprocess.run([gata, "status", ACME, "--workspace", ws], capture_output=True, text=True)
    assert table.returncode == 0 and "failed" in table.stdout and "last good data" in table.stdout
    drift = subprocess.run([gata, "drift", ACME, "--workspace", ws], capture_output=True, text=True)
    assert drift.returncode == 0 and "creative_rotation" in drift.stdout and "type_changed" in drift.stdout
    unknown = subprocess.run([gata, "status", "nobody_here", "--workspace", ws], capture_output=True, text=True)
    assert unknown.returncode == 2 and "nobody_here" in unknown.stderr


def test_a_tenant_whose_first_build_failed_shows_its_health_and_no_data(env):
    """Only health is published for it: data endpoints say so by name (404), never a 5xx."""
    ws, root = env["ws"], env["ws"].root.parent
    demo = {t["slug"]: t for t in yaml.safe_load(DEFAULT_TENANTS.read_text())["tenants"]}
    gamma = "gamma_obs"
    path = root / "gamma.yaml"
    path.write_text(yaml.safe_dump({"tenants": [{**demo["stark_industries"], "slug": gamma, "seed": 13}]}))
    config = load_config(path)
    land_pending(generate_tenant(config, gamma, ws, days=2, end_date=END), ws)
    with duckdb.connect(str(ws.warehouse_path(gamma))) as con:  # a duplicated record fails its first build's tests
        con.execute(f"insert into raw_{gamma}__facebook_ads.campaigns from raw_{gamma}__facebook_ads.campaigns limit 1")
    with pytest.raises(OnboardingError):
        onboard(config, [gamma], ws, ingest=False)
    key = KeyStore(ws).create(gamma)[1]
    headers = {"Authorization": f"Bearer {key}"}
    summary = httpx.get(f"{env['base']}/observability/{gamma}/summary", headers=headers, timeout=60)
    assert summary.status_code == 200 and summary.json()["status"] == "failed"
    for method, path_, body in [
        ("GET", "models", None),
        ("POST", "query", {"model": "orders", "measures": ["orders"]}),
        ("POST", "ask", {"question": "revenue last 7 days"}),
    ]:
        res = httpx.request(
            method, f"{env['base']}/semantic-layer/{gamma}/{path_}", json=body, headers=headers, timeout=60
        )
        assert res.status_code == 404, (path_, res.status_code, res.text)
        assert gamma in res.json()["detail"]
