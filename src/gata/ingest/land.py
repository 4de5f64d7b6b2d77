"""Land staged pulls with dlt: one pipeline and one dataset per (tenant, source), merge on natural ids.

Loading the same records twice changes nothing (merge on `_gata_natural_id`); a changed record replaces
the old one; nested values are JSON columns, never child tables; each row keeps `_dlt_load_id`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
from dlt.destinations.exceptions import DatabaseUndefinedRelation
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from gata.ingest.dlt_setup import configure_dlt
from gata.ingest.natural_id import NATURAL_ID
from gata.ingest.stage import StagedObject, read_staged
from gata.settings import Settings, motherduck_database_for, pipeline_duckdb_limits
from gata.workspace import Workspace

READ_BATCH_ROWS = 100_000


def dataset_name(tenant_slug: str, connector: str) -> str:
    return f"raw_{tenant_slug}__{connector}"


def pipeline_name(tenant_slug: str, connector: str) -> str:
    return f"gata__{tenant_slug}__{connector}"


def open_warehouse(
    workspace: Workspace, tenant_slug: str, settings: Settings | None = None
) -> duckdb.DuckDBPyConnection:
    """One DuckDB instance for a tenant's landing session: its pipelines running side by side share it."""
    settings = settings or Settings()
    workspace.ensure()
    path = workspace.warehouse_path(tenant_slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), config=duckdb_config(settings))


def duckdb_config(settings: Settings) -> dict:
    return {**pipeline_duckdb_limits(settings), "preserve_insertion_order": False}


def destination(
    workspace: Workspace,
    tenant_slug: str,
    settings: Settings | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
):
    """The tenant's local DuckDB file (or a shared connection to it), or its MotherDuck database when
    GATA_MOTHERDUCK_DATABASE is set."""
    settings = settings or Settings()
    database = motherduck_database_for(settings, tenant_slug)
    if database:
        if settings.motherduck_token is None:
            raise ValueError("GATA_MOTHERDUCK_DATABASE is set but no MOTHERDUCK_TOKEN / GATA_MOTHERDUCK_TOKEN")
        return dlt.destinations.motherduck(
            credentials={
                "database": database,
                "password": settings.motherduck_token.get_secret_value(),
            },
            enable_dataset_name_normalization=False,
        )
    if connection is not None:
        return dlt.destinations.duckdb(credentials=connection, enable_dataset_name_normalization=False)
    path = workspace.warehouse_path(tenant_slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    credentials = DuckDbCredentials(str(path))
    credentials.global_config = duckdb_config(settings)
    return dlt.destinations.duckdb(credentials=credentials, enable_dataset_name_normalization=False)


@dataclass
class ObjectLoad:
    object: str
    table: str
    rows: int
    new_columns: list[str] = field(default_factory=list)


@dataclass
class ConnectorLoad:
    tenant: str
    connector: str
    dataset: str
    load_ids: list[str]
    objects: list[ObjectLoad]

    @property
    def rows(self) -> int:
        return sum(o.rows for o in self.objects)


def _batches(files: list[Path]) -> Iterator[pa.Table]:
    for path in files:
        table = read_staged(path)
        for start in range(0, table.num_rows, READ_BATCH_ROWS):
            yield table.slice(start, READ_BATCH_ROWS)


def _with_state(rows: Iterator[pa.Table], state: dict[str, Any]) -> Iterator[pa.Table]:
    """The resource's incremental state (first day, as-of day) is committed with the load that carries it."""
    dlt.current.resource_state().update(state)
    yield from rows


def _resource(staged: StagedObject, initial: bool, state: dict[str, Any]):
    """A dlt resource over staged files. Staging guarantees one row per natural id within a load, so dlt's
    per-load dedup is skipped; a table's first load appends (merging into nothing is appending, without
    the staging copy), every later load merges on the natural id."""
    columns = {c: {"data_type": "json"} for c in sorted(staged.json_columns)}
    columns[NATURAL_ID] = {"data_type": "text", "nullable": False}
    disposition = (
        {"disposition": "append"}
        if initial
        else {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}
    )
    return dlt.resource(
        _with_state(_batches(staged.files), state),
        name=staged.object,
        primary_key=NATURAL_ID,
        write_disposition=disposition,
        columns=columns,
    )


def _existing_tables(pipeline: dlt.Pipeline) -> set[str]:
    try:
        with pipeline.sql_client() as client:
            rows = client.execute_sql(
                "select table_name from information_schema.tables where table_schema = %s", pipeline.dataset_name
            )
    except DatabaseUndefinedRelation:
        return set()
    return {r[0] for r in rows or []}


def _pipeline(tenant_slug: str, connector: str, workspace: Workspace, dest=None) -> dlt.Pipeline:
    configure_dlt()
    return dlt.pipeline(
        pipeline_name=pipeline_name(tenant_slug, connector),
        destination=dest or destination(workspace, tenant_slug),
        dataset_name=dataset_name(tenant_slug, connector),
        pipelines_dir=str(workspace.pipelines_dir),
    )


def _finish_pending(pipeline: dlt.Pipeline) -> bool:
    """Load what a landing killed mid-way left behind (extracted or half-loaded packages). dlt moves a
    resource's state when it extracts, so until these load, the state claims days the warehouse lacks; and
    run() with pending packages loads only them, dropping the data given to it. Rows merge on the natural id."""
    if not pipeline.has_pending_data:
        return False
    pipeline.normalize()
    pipeline.load()
    return True


def finish_pending_loads(workspace: Workspace, tenant_slug: str, connector: str) -> bool:
    """Before reading a source's state: complete an interrupted landing, so state and warehouse agree."""
    if not (workspace.pipelines_dir / pipeline_name(tenant_slug, connector)).exists():
        return False
    return _finish_pending(_pipeline(tenant_slug, connector, workspace))


def land_connector(
    tenant_slug: str,
    connector: str,
    staged: list[StagedObject],
    workspace: Workspace,
    dest=None,
    state: dict[str, dict[str, Any]] | None = None,
) -> ConnectorLoad:
    """Land one source's staged objects; `state` (object -> incremental state) is saved for every object
    named, with or without rows, so a sync knows how far each resource has been read."""
    state = state or {}
    pipeline = _pipeline(tenant_slug, connector, workspace, dest)
    _finish_pending(pipeline)
    existing = _existing_tables(pipeline)
    resources = [_resource(s, initial=s.object not in existing, state=state.get(s.object, {})) for s in staged]
    staged_names = {s.object for s in staged}
    resources += [
        dlt.resource(_with_state(iter(()), obj_state), name=obj, write_disposition="merge", primary_key=NATURAL_ID)
        for obj, obj_state in sorted(state.items())
        if obj not in staged_names
    ]
    info = pipeline.run(resources)
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace.last_normalize_info else {}
    new_columns: dict[str, list[str]] = {}
    for package in info.load_packages:
        for table_name, table in (package.schema_update or {}).items():
            new_columns.setdefault(table_name, []).extend(sorted(table.get("columns", {})))
    objects = [
        ObjectLoad(s.object, s.object, int(counts.get(s.object, 0)), new_columns.get(s.object, [])) for s in staged
    ]
    return ConnectorLoad(
        tenant=tenant_slug,
        connector=connector,
        dataset=dataset_name(tenant_slug, connector),
        load_ids=list(info.loads_ids),
        objects=objects,
    )
