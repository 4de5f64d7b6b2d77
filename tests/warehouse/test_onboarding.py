"""Onboarding and replay end to end: real dlt landing, real dbt builds, real DuckDB.

From an empty workspace the demo tenants get their 18 star tables with every dbt test passing, each in its
own database, onboarded at the same time; running again changes nothing; re-onboarding one tenant leaves
the others untouched; replay applies a logic change without ingesting; a removed source disappears
cleanly; a broken tenant cannot stop the others.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import table_digest
from gata.config import load_config
from gata.config.loader import DEFAULT_TENANTS
from gata.star.contracts import CONTRACTS
from gata.warehouse import platform_db
from gata.warehouse.dbt_runner import dbt_dir
from gata.warehouse.onboard import onboard, replay, star_table_counts
from gata.workspace import Workspace

END = date(2025, 6, 30)
DAYS = 7
DEMO = ["tyrell_corp", "wayne_enterprises", "stark_industries"]
GATA = str(Path(sys.executable).parent / "gata")


def _con(ws: Workspace, slug: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(ws.warehouse_path(slug)), read_only=True)


def _checksums(ws: Workspace, slugs: list[str], lineage: bool = True) -> dict[str, tuple]:
    """Row count and content digest per star table; without `lineage`, the load ids rows carry are left out."""
    out = {}
    exclude = () if lineage else ("source_load_ids",)
    for slug in slugs:
        with _con(ws, slug) as con:
            for contract in CONTRACTS:
                name = contract.model_name(slug)
                out[name] = table_digest(con, f'analytics."{name}"', exclude)
    return out


def _write_config(path: Path, edit) -> Path:
    doc = yaml.safe_load(DEFAULT_TENANTS.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory) -> Workspace:
    ws = Workspace.resolve(tmp_path_factory.mktemp("demo"))
    proc = subprocess.run(
        [GATA, "onboard", "--all", "--days", str(DAYS), "--end-date", END.isoformat(), "--workspace", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return ws


def test_demo_tenants_get_all_18_tables_with_tests_passing(demo_ws):
    counts = star_table_counts(demo_ws, DEMO)
    assert len(counts) == 18
    empty = [k for k, n in counts.items() if n == 0]
    assert empty == []
    for slug in DEMO:
        with _con(demo_ws, slug) as con:
            status = dict(con.execute("select tenant_slug, status from gata_platform.tenant_status").fetchall())
        assert status == {slug: "active"}
        results = (dbt_dir(demo_ws, slug) / "target" / "run_results.json").read_text()
        assert '"status": "fail"' not in results and '"status": "error"' not in results
    registry = platform_db.registered_tenants(demo_ws)
    assert {slug: r["status"] for slug, r in registry.items()} == {slug: "active" for slug in DEMO}


def test_tenants_onboard_at_the_same_time_without_waiting_for_each_other(demo_ws):
    """`onboard --all` ran the three tenants in parallel processes: their runs overlap in time, and no run
    waited for another (there is no shared lock to wait on)."""
    spans = {}
    for slug in DEMO:
        with _con(demo_ws, slug) as con:
            spans[slug] = con.execute(
                "select started_at, finished_at, run_id from gata_platform.pipeline_runs where kind = 'onboard' "
                "order by started_at limit 1"
            ).fetchone()
    (a_start, a_end, _), (b_start, b_end, _) = spans["tyrell_corp"], spans["wayne_enterprises"]
    assert a_start < b_end and b_start < a_end, spans


def test_a_tenants_database_holds_its_own_rows_only(demo_ws):
    """Every table and view of a tenant's database that names tenants names that tenant alone; no relation
    is named after another tenant."""
    for slug in DEMO:
        others = [o for o in DEMO if o != slug]
        with _con(demo_ws, slug) as con:
            relations = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema not like 'raw_%staging'"
            ).fetchall()
            assert not [r for r in relations if any(o in f"{r[0]}.{r[1]}" for o in others)]
            for schema, table in relations:
                columns = {
                    c[0]
                    for c in con.execute(
                        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                        [schema, table],
                    ).fetchall()
                }
                for column in {"tenant_slug", "parent_tenant"} & columns:
                    found = {
                        r[0]
                        for r in con.execute(
                            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
                        ).fetchall()
                    }
                    assert found <= {slug}, (slug, schema, table, found)


def test_contract_columns_and_types_are_the_same_for_every_tenant(demo_ws):
    for contract in CONTRACTS:
        shapes = set()
        for slug in DEMO:
            with _con(demo_ws, slug) as con:
                cols = con.execute(
                    "select column_name from information_schema.columns where table_schema = 'analytics' "
                    "and table_name = ? order by ordinal_position",
                    [contract.model_name(slug)],
                ).fetchall()
            shapes.add(tuple(c[0] for c in cols))
        assert shapes == {tuple(contract.column_names())}, contract.table


def _platform_facts(ws: Workspace, slug: str) -> tuple:
    with _con(ws, slug) as con:
        keys = con.execute("select * from platform.platform_hub__tenant_keys order by 1").fetchall()
        history = con.execute("select count(*) from platform.platform_sat__tenant_config_history").fetchone()[0]
        loads = {r[0] for r in con.execute("select load_id from gata_platform.ingest_loads").fetchall()}
    return keys, history, loads


def test_running_again_changes_nothing_and_keys_are_stable(demo_ws):
    before = _checksums(demo_ws, DEMO, lineage=False)
    facts = {slug: _platform_facts(demo_ws, slug) for slug in DEMO}
    registered = platform_db.registered_tenants(demo_ws)
    onboard(load_config(), DEMO, demo_ws, days=DAYS, end_date=END)
    assert _checksums(demo_ws, DEMO, lineage=False) == before
    # the same content, re-delivered: every row now traces to the new loads only
    for slug in DEMO:
        keys, history, old_loads = facts[slug]
        with _con(demo_ws, slug) as con:
            for contract in CONTRACTS:
                traced = con.execute(
                    f'select distinct unnest(source_load_ids) from analytics."{contract.model_name(slug)}"'
                ).fetchall()
                assert traced and not {r[0] for r in traced} & old_loads, contract.model_name(slug)
            assert con.execute("select * from platform.platform_hub__tenant_keys order by 1").fetchall() == keys
            history_now = con.execute("select count(*) from platform.platform_sat__tenant_config_history").fetchone()
            assert history_now[0] == history
    again = platform_db.registered_tenants(demo_ws)
    assert {s: r["first_registered_at"] for s, r in again.items()} == {
        s: r["first_registered_at"] for s, r in registered.items()
    }


def test_reonboarding_one_tenant_leaves_the_others_untouched(demo_ws):
    others = ["tyrell_corp", "wayne_enterprises"]
    before = _checksums(demo_ws, others)
    files_before = {slug: demo_ws.warehouse_path(slug).stat().st_mtime_ns for slug in others}

    def masters(slug: str) -> list:
        with _con(demo_ws, slug) as con:
            return con.execute(
                "select tenant_slug, count(*), max(loaded_at) from platform.platform_mm__facebook_ads_api_v1_ads "
                "group by all order by 1"
            ).fetchall()

    tyrell, stark_before = masters("tyrell_corp"), masters("stark_industries")
    result = onboard(load_config(), ["stark_industries"], demo_ws, days=DAYS, end_date=END)
    assert {s.step for s in result.steps} >= {"validate", "generate", "land", "configure", "build", "test", "activate"}
    assert _checksums(demo_ws, others) == before
    assert {slug: demo_ws.warehouse_path(slug).stat().st_mtime_ns for slug in others} == files_before
    assert tyrell and masters("tyrell_corp") == tyrell
    stark_after = masters("stark_industries")
    assert stark_after[0][1] == stark_before[0][1] and stark_after[0][2] > stark_before[0][2]


def test_replay_applies_a_logic_change_without_ingesting(demo_ws, tmp_path):
    def loads(con):
        return con.execute("select count(distinct load_id) from gata_platform.ingest_loads").fetchone()[0]

    with _con(demo_ws, "stark_industries") as con:
        conv_before = con.execute(
            "select count(*) filter (where is_conversion_session) from analytics.fct_stark_industries__sessions"
        ).fetchone()[0]
        loads_before = loads(con)

    def widen(doc):
        stark = next(t for t in doc["tenants"] if t["slug"] == "stark_industries")
        stark["sources"]["mixpanel"]["logic"]["conversion_events"] = ["Order Completed", "Added To Cart"]

    _write_config(tmp_path / "tenants.yaml", widen)
    proc = subprocess.run(
        [
            GATA,
            "replay",
            "stark_industries",
            "--config",
            str(tmp_path / "tenants.yaml"),
            "--workspace",
            str(demo_ws.root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with _con(demo_ws, "stark_industries") as con:
        conv_after = con.execute(
            "select count(*) filter (where is_conversion_session) from analytics.fct_stark_industries__sessions"
        ).fetchone()[0]
        assert loads(con) == loads_before
        history = con.execute(
            "select count(*) from platform.platform_sat__tenant_config_history where tenant_slug = 'stark_industries'"
        ).fetchone()[0]
    assert conv_after > conv_before
    assert history == 2  # the logic change is recorded in the config history
    replay(load_config(), ["stark_industries"], demo_ws)  # back to the configured logic
    with _con(demo_ws, "stark_industries") as con:
        assert (
            con.execute(
                "select count(*) filter (where is_conversion_session) from analytics.fct_stark_industries__sessions"
            ).fetchone()[0]
            == conv_before
        )


def test_replay_recuts_sessions_from_parsed_events_without_parsing_again(demo_ws, tmp_path):
    """A shorter session timeout, replayed: more sessions, the same events; the parsed events (no logic) are
    read as they are, not rebuilt, and the replay's last dbt invocation built the sessionized model."""
    slug, parsed = "stark_industries", "int_mixpanel__events_parsed"

    def state(con):
        sessions, events = con.execute(
            "select count(distinct session_id), count(*) from intermediate.int_mixpanel__events"
        ).fetchone()
        digest = table_digest(con, f"intermediate.{parsed}")
        built = {
            r[0]
            for r in con.execute(
                "select name from gata_platform.dbt_node_results where invocation_id = (select invocation_id "
                "from gata_platform.dbt_invocations order by finished_at desc limit 1) and resource_type = 'model'"
            ).fetchall()
        }
        return sessions, events, digest, built

    with _con(demo_ws, slug) as con:
        sessions_before, events_before, parsed_before, _ = state(con)

    def shorten(doc):
        stark = next(t for t in doc["tenants"] if t["slug"] == slug)
        stark["sources"]["mixpanel"]["logic"]["session_timeout_minutes"] = 2

    replay(load_config(_write_config(tmp_path / "tenants.yaml", shorten)), [slug], demo_ws)
    with _con(demo_ws, slug) as con:
        sessions_after, events_after, parsed_after, built = state(con)
    assert sessions_after > sessions_before and events_after == events_before
    assert parsed_after == parsed_before
    assert "int_mixpanel__events" in built and parsed not in built
    replay(load_config(), [slug], demo_ws)  # back to the configured logic
    with _con(demo_ws, slug) as con:
        assert state(con)[:3] == (sessions_before, events_before, parsed_before)


def test_governance_records_schemas_and_candidates(demo_ws):
    for slug in DEMO:
        with _con(demo_ws, slug) as con:
            schemas = con.execute(
                "select tenant_slug, count(*) from platform.platform_sat__schema_history group by all order by 1"
            ).fetchall()
            candidates = dict(
                con.execute(
                    "select candidate_status, count(*) from platform.platform_ops__source_candidates group by all"
                ).fetchall()
            )
        assert [s for s, _ in schemas] == [slug] and schemas[0][1] >= 8
        assert candidates.get("unknown", 0) == 0 and candidates.get("registered", 0) >= 8


def test_removed_source_disappears_and_broken_tenant_does_not_stop_others(tmp_path):
    ws = Workspace.resolve(tmp_path / "ws")
    onboard(load_config(), ["wayne_enterprises"], ws, days=3, end_date=END)

    def drop_bing_and_break_stark(doc):
        wayne = next(t for t in doc["tenants"] if t["slug"] == "wayne_enterprises")
        del wayne["sources"]["bing_ads"]
        stark = next(t for t in doc["tenants"] if t["slug"] == "stark_industries")
        stark["sources"]["mixpanel"]["logic"]["attribution_model"] = "linear"

    path = _write_config(tmp_path / "tenants.yaml", drop_bing_and_break_stark)
    proc = subprocess.run(
        [
            GATA,
            "onboard",
            "wayne_enterprises",
            "--days",
            "3",
            "--end-date",
            END.isoformat(),
            "--config",
            str(path),
            "--workspace",
            str(ws.root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "tenant skipped" in proc.stderr and "linear" in proc.stderr
    with _con(ws, "wayne_enterprises") as con:
        platforms = {
            r[0]
            for r in con.execute(
                "select distinct source_platform from analytics.fct_wayne_enterprises__ad_performance"
            ).fetchall()
        }
        left = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_name like '%bing%' and not starts_with(table_schema, 'raw_')"
        ).fetchall()
    # its models are disabled and their relations dropped (its landed data stays, for a return)
    assert platforms == {"google_ads"} and left == []
    failing = subprocess.run(
        [GATA, "onboard", "stark_industries", "--config", str(path), "--workspace", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failing.returncode == 2 and "attribution_model" in failing.stderr


def test_a_tenant_with_all_13_connectors_builds(tmp_path):
    ws = Workspace.resolve(tmp_path)
    cfg = load_config("tests/fixtures/all_connectors.yaml")
    onboard(cfg, ["omni_corp"], ws, days=3, end_date=END)
    counts = star_table_counts(ws, ["omni_corp"])
    assert all(n > 0 for n in counts.values()), counts
    with _con(ws, "omni_corp") as con:
        platforms = {
            r[0]
            for r in con.execute(
                "select distinct source_platform from analytics.fct_omni_corp__ad_performance"
            ).fetchall()
        }
        shops = {
            r[0] for r in con.execute("select distinct source_platform from analytics.fct_omni_corp__orders").fetchall()
        }
        tools = {
            r[0]
            for r in con.execute("select distinct source_platform from analytics.fct_omni_corp__sessions").fetchall()
        }
    assert len(platforms) == 7 and len(shops) == 3 and len(tools) == 3


def test_a_tenant_without_a_domain_gets_typed_empty_tables(tmp_path):
    path = tmp_path / "tenants.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "tenants": [
                    {
                        "slug": "shop_only_co",
                        "name": "Shop Only",
                        "sources": {"facebook_ads": {"generation": {"campaigns": 2}}, "shopify": {}},
                    }
                ]
            }
        )
    )
    ws = Workspace.resolve(tmp_path / "ws")
    onboard(load_config(path), ["shop_only_co"], ws, days=3, end_date=END)
    counts = star_table_counts(ws, ["shop_only_co"])
    assert counts[("shop_only_co", "fct_sessions")] == 0 and counts[("shop_only_co", "fct_events")] == 0
    assert counts[("shop_only_co", "fct_orders")] > 0 and counts[("shop_only_co", "dim_users")] > 0
    with _con(ws, "shop_only_co") as con:
        for table in ("fct_sessions", "fct_events"):
            name = next(c for c in CONTRACTS if c.table == table).model_name("shop_only_co")
            cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'analytics' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            contract = next(c for c in CONTRACTS if c.table == table)
            assert [c[0] for c in cols] == contract.column_names()
            assert dict(cols)["session_id"] == "VARCHAR"
