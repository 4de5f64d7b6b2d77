"""Freshness per source and the models of the latest run over HTTP, checked against the published snapshot's
own observability tables (what the warehouse recorded for the demo tenants' onboarding)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conftest import DEMO

TENANT = "tyrell_corp"


def get(served, path: str, who: str = TENANT):
    with served.client(who) as client:
        return client.get(f"/observability/{TENANT}/{path}")


@pytest.mark.parametrize("slug", DEMO)
def test_freshness_per_source_is_the_snapshots_loads(served, slug):
    with served.client(slug) as client:
        r = client.get(f"/observability/{slug}/freshness")
    assert r.status_code == 200, r.text
    sources = {s["connector"]: s for s in r.json()}
    with served.snapshot(slug) as con:
        expected = con.execute(
            "select connector, any_value(dataset_name), max(last_loaded_at), min(data_through), sum(last_load_rows),"
            " count(*) from obs_source_freshness group by connector"
        ).fetchall()
    assert set(sources) == {row[0] for row in expected} and len(sources) >= 3
    now = datetime.now(UTC)
    for connector, dataset, last, through, rows, objects in expected:
        s = sources[connector]
        assert s["dataset"] == dataset == f"raw_{slug}__{connector}"
        assert s["last_loaded_at"] == last.isoformat() and s["data_through"] == through.isoformat()
        assert s["last_load_rows"] == rows > 0 and len(s["objects"]) == objects
        hours = (now - last.replace(tzinfo=UTC)).total_seconds() / 3600
        assert s["hours_since_load"] == pytest.approx(hours, abs=0.05)
        assert through == now.date()  # the demo is onboarded through today


def test_latest_run_models_are_the_snapshots_node_results(served):
    r = get(served, "runs/latest/models")
    assert r.status_code == 200, r.text
    body = r.json()
    with served.snapshot(TENANT) as con:
        run_id, kind, status = con.execute(
            "select run_id, kind, status from obs_pipeline_runs order by started_at desc limit 1"
        ).fetchone()
        expected = dict(
            con.execute(
                "select unique_id, execution_time from obs_node_results where run_id = ? "
                "and resource_type in ('model', 'seed', 'snapshot')",
                [run_id],
            ).fetchall()
        )
    assert (body["run_id"], body["kind"], body["status"]) == (run_id, kind, status) == (run_id, "onboard", "success")
    assert {m["unique_id"]: m["execution_time"] for m in body["models"]} == expected
    times = [m["execution_time"] for m in body["models"]]
    assert times == sorted(times, reverse=True)  # all succeeded: slowest first
    assert {m["status"] for m in body["models"]} == {"success"}
    own = {m["name"] for m in body["models"] if m["owner"] == TENANT}
    for star in ("fct_tyrell_corp__ad_performance", "fct_tyrell_corp__orders", "dim_tyrell_corp__users"):
        assert star in own
    assert get(served, f"runs/{run_id}/models").json() == body


def test_unknown_runs_and_other_tenants_are_404(served):
    r = get(served, "runs/no-such-run/models")
    assert r.status_code == 404 and "no-such-run" in r.json()["detail"]
    for path in ("freshness", "runs/latest/models"):
        assert get(served, path, who="stark_industries").status_code == 404
        assert get(served, path, who="admin").status_code == 200
