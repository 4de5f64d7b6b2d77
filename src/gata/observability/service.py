"""Reading a tenant's health from its published snapshot: the same files, swap and isolation as queries."""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, date, datetime
from typing import Any

from gata.semantic.store import SnapshotStore, TenantSnapshot
from gata.star.contracts import contract_named, table_names_hint

LAYERS = {"staging": "staging", "platform": "master", "intermediate": "intermediate", "analytics": "mart"}


class UnknownLineageTable(LookupError):
    pass


class UnknownRow(LookupError):
    pass


class UnknownRun(LookupError):
    pass


def hours_since(iso: str | None, now: datetime) -> float | None:
    """Hours from a stored (naive, UTC) timestamp to now: at request time, not frozen at publish time."""
    if iso is None:
        return None
    return round((now - datetime.fromisoformat(iso).replace(tzinfo=UTC)).total_seconds() / 3600, 2)


def freshness_totals(freshness: list[dict[str, Any]]) -> dict[str, Any]:
    """The tenant's newest load and latest day of data over its landed tables (`freshness` rows)."""
    return {
        "last_loaded_at": max((f["last_loaded_at"] for f in freshness), default=None),
        "data_through": max((f["data_through"] for f in freshness), default=None),
    }


def _rows(snap: TenantSnapshot, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = snap.cursor()
    try:
        result = cur.execute(sql, params or [])
        names = [d[0] for d in result.description]
        out = []
        for values in result.fetchall():
            row = {}
            for n, v in zip(names, values, strict=True):
                row[n] = v.isoformat() if isinstance(v, date | datetime) else v
            out.append(row)
        return out
    finally:
        cur.close()


def _has(snap: TenantSnapshot, view: str) -> bool:
    return view in snap.metadata.get("observability", [])


class ObservabilityService:
    def __init__(self, store: SnapshotStore):
        self.store = store

    def runs(self, slug: str, limit: int = 50) -> list[dict[str, Any]]:
        snap = self.store.get(slug)
        if not _has(snap, "pipeline_runs"):
            return []
        runs = _rows(
            snap, "select * exclude (tenant_slug) from obs_pipeline_runs order by started_at desc limit ?", [limit]
        )
        for run in runs:
            run["steps"] = json.loads(run["steps"]) if isinstance(run["steps"], str) else (run["steps"] or [])
        return runs

    def tests(self, slug: str, status: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Test results, newest run first; `status` filters (pass, fail, warn, error)."""
        snap = self.store.get(slug)
        if not _has(snap, "test_results"):
            return []
        where = "where status = ?" if status else ""
        return _rows(
            snap,
            "select run_id, unique_id, name, owner, tested_node, status, failures, message, execution_time, "
            f"completed_at from obs_test_results {where} order by completed_at desc, unique_id limit ?",
            [*([status] if status else []), limit],
        )

    def identity_resolution(self, slug: str) -> dict[str, Any]:
        """Resolved people (from dim_users) and match rates by key type."""
        snap = self.store.get(slug)
        by_key = (
            _rows(snap, "select * exclude (tenant_slug) from obs_identity_resolution order by key_type")
            if _has(snap, "identity_resolution")
            else []
        )
        totals = {"people": 0, "identified": 0, "customers": 0, "resolution": {}}
        if snap.metadata.get("has_star_tables", True):
            users = f'"dim_{slug}__users"'
            people, identified, customers = _rows(
                snap,
                f"select count(*) as p, count(*) filter (where resolution <> 'anonymous') as i, "
                f"count(*) filter (where is_customer) as c from {users}",
            )[0].values()
            totals = {
                "people": people,
                "identified": identified,
                "customers": customers,
                "resolution": {
                    r["resolution"]: r["n"]
                    for r in _rows(snap, f"select resolution, count(*) as n from {users} group by 1 order by 1")
                },
            }
        return {**totals, "by_key": by_key}

    def drift(self, slug: str) -> list[dict[str, Any]]:
        snap = self.store.get(slug)
        if not _has(snap, "schema_drift"):
            return []
        return _rows(snap, "select * from obs_schema_drift order by connector, object_name, field, change")

    def freshness(self, slug: str) -> list[dict[str, Any]]:
        snap = self.store.get(slug)
        if not _has(snap, "source_freshness"):
            return []
        return _rows(snap, "select * from obs_source_freshness order by connector, table_name")

    def source_freshness(
        self, slug: str, now: datetime | None = None, modes: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Per source (connector) of the tenant: its newest load (its last successful pull), the day all of its
        objects are in through (the earliest of their `data_through`), hours since that load, each landed
        object's own figures, its mode (from `modes`) and the latest run's error when it names the source."""
        now = now or datetime.now(UTC)
        latest = self.runs(slug, limit=1)
        failed = (latest[0].get("message") or "") if latest and latest[0].get("status") == "failed" else ""
        sources: dict[str, dict[str, Any]] = {}
        for t in self.freshness(slug):
            src = sources.setdefault(t["connector"], {"connector": t["connector"], "dataset": t["dataset_name"]})
            src.setdefault("objects", []).append(
                {k: t[k] for k in ("table_name", "last_load_id", "last_loaded_at", "last_load_rows", "data_through")}
                | {"loads": t["loads"]}
            )
        out = []
        for src in sources.values():
            objects = src["objects"]
            last = max((o["last_loaded_at"] for o in objects if o["last_loaded_at"]), default=None)
            through = [o["data_through"] for o in objects if o["data_through"]]
            out.append(
                {
                    **src,
                    "last_loaded_at": last,
                    "data_through": min(through, default=None),
                    "hours_since_load": hours_since(last, now),
                    "last_load_rows": sum(o["last_load_rows"] or 0 for o in objects),
                    "mode": (modes or {}).get(src["connector"], "simulated"),
                    "last_error": failed if f"source '{src['connector']}'" in failed else None,
                }
            )
        return out

    def run_models(self, slug: str, run_id: str = "latest") -> dict[str, Any]:
        """Models (and seeds, snapshots) of one run, or of the latest: status, seconds, rows; slowest first."""
        snap = self.store.get(slug)
        runs = self.runs(slug, limit=1) if run_id == "latest" else self._run(snap, run_id)
        if not runs:
            if run_id == "latest":
                return {"run_id": None, "kind": None, "status": None, "started_at": None, "models": []}
            raise UnknownRun(f"no run '{run_id}' for tenant '{slug}'")
        run = runs[0]
        models = (
            _rows(
                snap,
                "select unique_id, name, resource_type, owner, relation_name, status, execution_time, "
                "rows_affected, message, completed_at from obs_node_results "
                "where run_id = ? and resource_type in ('model', 'seed', 'snapshot') "
                "order by status = 'success', execution_time desc, unique_id",
                [run["run_id"]],
            )
            if _has(snap, "node_results")
            else []
        )
        return {k: run[k] for k in ("run_id", "kind", "status", "started_at")} | {"models": models}

    @staticmethod
    def _run(snap: TenantSnapshot, run_id: str) -> list[dict[str, Any]]:
        if not _has(snap, "pipeline_runs"):
            return []
        return _rows(snap, "select run_id, kind, status, started_at from obs_pipeline_runs where run_id = ?", [run_id])

    def readiness(self, slug: str) -> list[dict[str, Any]]:
        snap = self.store.get(slug)
        if not _has(snap, "semantic_readiness"):
            return []
        return _rows(snap, "select * from obs_semantic_readiness order by contract_table")

    def summary(self, slug: str) -> dict[str, Any]:
        snap = self.store.get(slug)
        runs = self.runs(slug, limit=1)
        last = runs[0] if runs else None
        freshness = self.freshness(slug)
        readiness = self.readiness(slug)
        return {
            "tenant": slug,
            "data_version": snap.version,
            "published_at": snap.metadata.get("published_at"),
            "serving_last_good_data": bool(snap.metadata.get("health_only")),
            "status": last["status"] if last else "unknown",
            "last_run": last,
            "latest_run_counts": {
                k: (last or {}).get(k, 0)
                for k in (
                    "models_succeeded",
                    "models_failed",
                    "tests_passed",
                    "tests_failed",
                    "tests_warned",
                    "tests_errored",
                )
            },
            "freshness": {
                **freshness_totals(freshness),
                "oldest_table_hours_since_load": max((f["hours_since_load"] for f in freshness), default=None),
                "tables": len(freshness),
            },
            "readiness": {
                "ready": bool(readiness) and all(r["is_ready"] for r in readiness),
                "tables": {r["contract_table"]: r["is_ready"] for r in readiness},
            },
            "drift_findings": len(self.drift(slug)),
        }

    def lineage(self, slug: str, table: str) -> dict[str, Any]:
        """The path from dlt loads to one star table: every ancestor relation grouped by layer, with this
        tenant's row counts, and the loads (ids and rows) of every landed table on the path."""
        contract = contract_named(table, slug)
        if contract is None:
            raise UnknownLineageTable(f"unknown table '{table}'; valid tables: {table_names_hint()}")
        model = contract.model_name(slug)
        snap = self.store.get(slug)
        if not _has(snap, "lineage_edges"):
            return {"table": model, "steps": [], "edges": []}
        edges = _rows(
            snap, "select parent_id, child_id, parent_type, parent_relation, child_relation from obs_lineage_edges"
        )
        counts = (
            {r["relation_name"]: r["row_count"] for r in _rows(snap, "select * from obs_relation_counts")}
            if _has(snap, "relation_counts")
            else {}
        )
        parents: dict[str, list[dict]] = {}
        relation: dict[str, str | None] = {}
        for e in edges:
            parents.setdefault(e["child_id"], []).append(e)
            relation[e["child_id"]] = e["child_relation"]
            relation.setdefault(e["parent_id"], e["parent_relation"])
        # the mart's node is named by its model (fct_orders); its relation by the tenant (fct_<slug>__orders)
        target = next((cid for cid in parents if cid.endswith((f".{contract.table}", f".{model}"))), None)
        if target is None:
            return {"table": model, "steps": [], "edges": []}
        seen, queue, path_edges = {target}, deque([target]), []
        while queue:
            node = queue.popleft()
            for e in parents.get(node, []):
                path_edges.append({"parent": e["parent_id"], "child": node})
                if e["parent_id"] not in seen:
                    seen.add(e["parent_id"])
                    queue.append(e["parent_id"])
        loads = (
            _rows(snap, "select dataset_name, table_name, load_id, row_count, started_at from obs_loads")
            if _has(snap, "loads")
            else []
        )
        steps: dict[str, list[dict]] = {}
        for node in sorted(seen):
            rel = relation.get(node)
            layer = self._layer(node, rel)
            entry = {"node": node, "relation": rel, "rows": counts.get(rel) if rel else None}
            if layer == "landed" and rel:
                dataset, name = [p.strip('"') for p in rel.split(".")[-2:]]
                entry["loads"] = [
                    {"load_id": r["load_id"], "rows": r["row_count"], "loaded_at": r["started_at"]}
                    for r in loads
                    if r["dataset_name"] == dataset and r["table_name"] == name
                ]
            steps.setdefault(layer, []).append(entry)
        order = ["landed", "staging", "master", "intermediate", "mart", "reference"]
        return {
            "table": model,
            "contract": contract.table,
            "description": contract.description,
            "steps": [{"layer": layer, "relations": steps[layer]} for layer in order if layer in steps],
            "edges": path_edges,
        }

    def row_lineage(self, slug: str, table: str, key: str) -> dict[str, Any]:
        """One row of a star table, by its key, traced to its loads: each load's id, time and landed tables."""
        contract = contract_named(table, slug)
        if contract is None:
            raise UnknownLineageTable(f"unknown table '{table}'; valid tables: {table_names_hint()}")
        snap = self.store.get(slug)
        model = contract.model_name(slug)
        found = (
            _rows(snap, f'select source_load_ids from "{model}" where "{contract.key}" = ?', [key])
            if snap.metadata.get("has_star_tables", True)
            else []
        )
        if not found:
            raise UnknownRow(f"no row of '{contract.entity}' has {contract.key} = '{key}'")
        load_ids = list(found[0]["source_load_ids"])
        landed: dict[str, list[dict]] = {load_id: [] for load_id in load_ids}
        loaded_at: dict[str, str | None] = {}
        if _has(snap, "loads") and load_ids:
            placeholders = ", ".join("?" for _ in load_ids)
            for r in _rows(
                snap,
                "select load_id, dataset_name, table_name, row_count, started_at from obs_loads "
                f"where load_id in ({placeholders}) order by load_id, dataset_name, table_name",
                load_ids,
            ):
                landed[r["load_id"]].append(
                    {"dataset": r["dataset_name"], "table": r["table_name"], "rows": r["row_count"]}
                )
                loaded_at[r["load_id"]] = r["started_at"]
        return {
            "table": model,
            "key_column": contract.key,
            "key": key,
            "load_ids": load_ids,
            "loads": [
                {"load_id": load_id, "loaded_at": loaded_at.get(load_id), "landed": landed[load_id]}
                for load_id in load_ids
            ],
        }

    @staticmethod
    def _layer(node: str, relation: str | None) -> str:
        if node.startswith("source."):
            return "landed"
        if node.startswith("seed."):
            return "reference"
        schema = relation.split(".")[-2].strip('"') if relation else ""
        return LAYERS.get(schema, schema or "other")
