"""Pipeline health is the tenant's own: every observability answer for one demo tenant (lineage of each star
table, models of the last run, runs, tests, freshness, drift, identity resolution, summary) names no model,
relation or connector that only another tenant uses, no other tenant's slug, and row counts that are its
own (each relation's count equals the count in the tenant's own database)."""

from __future__ import annotations

import json

import duckdb

from conftest import DEMO
from gata.config import load_config
from gata.star.contracts import CONTRACTS

ENDPOINTS = ["summary", "runs", "runs/latest/models", "tests", "freshness", "drift", "identity-resolution"]


def test_observability_answers_name_nothing_of_another_tenant(served):
    config = load_config()
    sources = {slug: {s.connector for s in config.tenant(slug).enabled_sources()} for slug in DEMO}
    for slug in DEMO:
        with served.client(slug) as client:
            bodies = {path: client.get(f"/observability/{slug}/{path}") for path in ENDPOINTS}
            for contract in CONTRACTS:
                bodies[contract.table] = client.get(f"/observability/{slug}/lineage", params={"table": contract.entity})
        assert {p: r.status_code for p, r in bodies.items()} == {p: 200 for p in bodies}
        text = json.dumps({p: r.json() for p, r in bodies.items()})
        foreign = set().union(*(sources[o] for o in DEMO if o != slug)) - sources[slug]
        assert foreign, "the demo tenants' source mixes differ"
        for name in [*foreign, *(o for o in DEMO if o != slug)]:
            assert name not in text, (slug, name)
        # the lineage's row counts are the tenant's: equal to its own database's, relation by relation
        counted = 0
        with duckdb.connect(str(served.ws.warehouse_path(slug)), read_only=True) as con:
            for contract in CONTRACTS:
                for step in bodies[contract.table].json()["steps"]:
                    for relation in step["relations"]:
                        if relation["rows"] is None or step["layer"] == "landed":
                            continue
                        schema, name = [p.strip('"') for p in relation["relation"].split(".")[-2:]]
                        own = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
                        assert relation["rows"] == own, (slug, relation["relation"])
                        counted += 1
        assert counted > 20
