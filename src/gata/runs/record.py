"""Capturing runs as they happen: pipeline runs, dbt node results and the model graph, into the
`gata_platform` schema of the tenant's own database (a run is one tenant's; so is everything it records).

Every node of an invocation belongs to the tenant whose project run it is: one dbt run builds one tenant
in its own database, from its data only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from gata.workspace import Workspace

if TYPE_CHECKING:
    from gata.runs.dbt_results import DbtResult

PLATFORM_SCHEMA = "gata_platform"

DDL = f"""
create schema if not exists {PLATFORM_SCHEMA};
create table if not exists {PLATFORM_SCHEMA}.ingest_loads (
    run_id varchar not null,
    tenant_slug varchar not null,
    connector varchar not null,
    dataset_name varchar not null,
    load_id varchar not null,
    table_name varchar not null,
    row_count bigint not null,
    new_columns json,
    window_start date not null,
    window_end date not null,
    as_of date not null,
    started_at timestamptz not null,
    finished_at timestamptz not null
);
create table if not exists {PLATFORM_SCHEMA}.tenant_status (
    tenant_slug varchar primary key,
    status varchar not null,
    config_hash varchar not null,
    updated_at timestamp not null,
    message varchar
);
create table if not exists {PLATFORM_SCHEMA}.pipeline_runs (
    run_id varchar not null,
    kind varchar not null,
    tenant_slug varchar not null,
    status varchar not null,
    started_at timestamp not null,
    finished_at timestamp,
    steps json,
    message varchar,
    primary key (run_id, tenant_slug)
);
create table if not exists {PLATFORM_SCHEMA}.dbt_invocations (
    invocation_id varchar primary key,
    run_id varchar,
    command varchar not null,
    project varchar not null,
    scope json not null,
    success boolean not null,
    started_at timestamp not null,
    finished_at timestamp not null,
    error varchar
);
create table if not exists {PLATFORM_SCHEMA}.dbt_node_results (
    invocation_id varchar not null,
    run_id varchar,
    unique_id varchar not null,
    name varchar not null,
    resource_type varchar not null,
    tenant_slug varchar,
    tested_node varchar,
    relation_name varchar,
    status varchar not null,
    execution_time double not null,
    rows_affected bigint,
    failures bigint,
    message varchar,
    completed_at timestamp not null,
    primary key (invocation_id, unique_id)
);
create table if not exists {PLATFORM_SCHEMA}.dbt_lineage_edges (
    parent_id varchar not null,
    child_id varchar not null,
    parent_type varchar not null,
    child_type varchar not null,
    parent_relation varchar,
    child_relation varchar,
    parent_tenant varchar,
    tenant_slug varchar,
    recorded_at timestamp not null,
    primary key (parent_id, child_id)
);
create table if not exists {PLATFORM_SCHEMA}.schema_drift (
    tenant_slug varchar not null,
    connector varchar not null,
    object_name varchar not null,
    field varchar not null,
    change varchar not null,
    expected_type varchar,
    observed_type varchar,
    first_seen_load_id varchar not null,
    first_seen_at timestamp not null,
    last_seen_load_id varchar not null,
    primary key (tenant_slug, connector, object_name, field, change)
);
create table if not exists {PLATFORM_SCHEMA}.schema_fields_seen (
    tenant_slug varchar not null,
    connector varchar not null,
    object_name varchar not null,
    field varchar not null,
    first_seen_load_id varchar not null,
    last_seen_load_id varchar not null,
    primary key (tenant_slug, connector, object_name, field)
);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class RunRecord:
    run_id: str
    kind: str
    tenant: str
    started_at: datetime = field(default_factory=_now)
    steps: list[dict] = field(default_factory=list)


def _write_run(workspace: Workspace, run: RunRecord, status: str, message: str | None) -> None:
    finished = None if status == "running" else _now()
    path = workspace.warehouse_path(run.tenant)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        ensure_tables(con)
        con.execute(
            f"insert or replace into {PLATFORM_SCHEMA}.pipeline_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
            [run.run_id, run.kind, run.tenant, status, run.started_at, finished, json.dumps(run.steps), message],
        )


@contextmanager
def capture_run(workspace: Workspace, kind: str, tenant: str, run_id: str | None = None) -> Iterator[RunRecord]:
    """Record a pipeline run of one tenant: running, then success or failed with the error."""
    workspace.ensure()
    run = RunRecord(run_id or new_run_id(kind), kind, tenant)
    _write_run(workspace, run, "running", None)
    try:
        yield run
    except BaseException as exc:
        _write_run(workspace, run, "failed", f"{type(exc).__name__}: {exc}"[:4000])
        raise
    _write_run(workspace, run, "success", None)


def _tested(node: dict) -> str | None:
    if node.get("resource_type") != "test":
        return None
    parents = [p for p in node.get("depends_on", {}).get("nodes", []) if not p.startswith("test.")]
    return node.get("attached_node") or (parents[0] if parents else None)


def record_invocation(
    workspace: Workspace,
    result: DbtResult,
    target_path: Path,
    project: str,
    started_at: datetime,
    run_id: str | None,
) -> str:
    """Store one dbt invocation of a tenant's project (`project` is its slug) in the tenant's database: its
    node results with owners, and the graph edges of its manifest."""
    invocation_id = uuid.uuid4().hex
    finished = _now()
    manifest_path = target_path / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"nodes": {}, "sources": {}}
    nodes: dict[str, dict] = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    results = []
    for n in result.nodes:
        node = nodes.get(n.unique_id, {})
        results.append(
            (
                invocation_id,
                run_id,
                n.unique_id,
                # the relation's name as users see it (fct_<tenant>__orders), not dbt's model name (fct_orders)
                node.get("alias") or node.get("name", n.unique_id.rsplit(".", 1)[-1]),
                n.resource_type,
                project,
                _tested(node),
                node.get("relation_name"),
                n.status,
                n.execution_time,
                n.rows_affected,
                n.failures,
                (n.message or "")[:4000] or None,
                finished,
            )
        )
    edges = []
    for child_id, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        for parent_id in node.get("depends_on", {}).get("nodes", []):
            parent = nodes.get(parent_id, {})
            edges.append(
                (
                    parent_id,
                    child_id,
                    parent.get("resource_type", parent_id.split(".", 1)[0]),
                    node["resource_type"],
                    parent.get("relation_name"),
                    node.get("relation_name"),
                    project,
                    project,
                    finished,
                )
            )
    with duckdb.connect(str(workspace.warehouse_path(project))) as con:
        ensure_tables(con)
        con.execute(
            f"insert into {PLATFORM_SCHEMA}.dbt_invocations values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                invocation_id,
                run_id,
                " ".join(result.command[:3]),
                project,
                json.dumps([project]),
                result.success,
                started_at,
                finished,
                result.error,
            ],
        )
        if results:
            con.executemany(
                f"insert into {PLATFORM_SCHEMA}.dbt_node_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                results,
            )
        if edges:  # the manifest is the tenant's whole graph as it is now: a source removed leaves no edge behind
            con.execute(f"delete from {PLATFORM_SCHEMA}.dbt_lineage_edges")
            con.executemany(
                f"insert into {PLATFORM_SCHEMA}.dbt_lineage_edges values (?, ?, ?, ?, ?, ?, ?, ?, ?)", edges
            )
    return invocation_id
