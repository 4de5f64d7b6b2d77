"""The connector library (`gata init`): for every connector object, the columns and types its landed table
is expected to have, its schema fingerprint and the master model it routes to.

Expected schemas come from rendering a sample of every connector (the same renderers and the same type
mapping landing uses), so they are what a healthy load produces. Schema history and the source
candidate registry compare what actually landed with this. The result is kept in
warehouse/connector_library.json (a test checks it equals a fresh computation), so registering is instant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import pyarrow as pa

from gata.config.catalog import Catalog
from gata.config.loader import REPO_ROOT
from gata.config.tenants import GENERATION_BY_DOMAIN, LOGIC_BY_DOMAIN, SourceConfig, Tenant
from gata.connectors.arrow import as_arrow, json_columns
from gata.connectors.pull import pull, window
from gata.ingest.natural_id import NATURAL_ID
from gata.warehouse.platform_db import platform_connection
from gata.workspace import Workspace

PLATFORM_SCHEMA = "gata_platform"
SAMPLE_END = date(2024, 6, 30)
SAMPLE_DAYS = 14

DDL = f"""
create schema if not exists {PLATFORM_SCHEMA};
create or replace table {PLATFORM_SCHEMA}.connector_library (
    connector varchar not null,
    object_name varchar not null,
    master_model varchar not null,
    expected_schema_hash varchar not null,
    expected_columns json not null,
    registered_at timestamp not null default current_timestamp::timestamp,
    primary key (connector, object_name)
);
create or replace table {PLATFORM_SCHEMA}.connector_library_columns (
    connector varchar not null,
    object_name varchar not null,
    column_name varchar not null,
    data_type varchar not null,
    primary key (connector, object_name, column_name)
);
"""


def duckdb_type(field: pa.Field, text_json: set[str]) -> str:
    """The DuckDB type dlt gives an Arrow column when landing it."""
    t = field.type
    if field.name in text_json or pa.types.is_nested(t):
        return "JSON"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_integer(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP WITH TIME ZONE"
    return "VARCHAR"


def schema_hash(columns: dict[str, str]) -> str:
    """Same formula as the warehouse's fingerprint: md5 of sorted 'name:TYPE' joined by ','."""
    text = ",".join(f"{name}:{dtype}" for name, dtype in sorted(columns.items()))
    return hashlib.md5(text.encode()).hexdigest()


def _sample_tenant(catalog: Catalog) -> Tenant:
    sources = {
        cid: SourceConfig(
            connector=cid,
            domain=c.domain,
            generation=GENERATION_BY_DOMAIN[c.domain](),
            logic=LOGIC_BY_DOMAIN[c.domain](),
        )
        for cid, c in catalog.connectors.items()
    }
    return Tenant(slug="connector_library", name="Connector library sample", seed=1, sources=sources)


def expected_schemas(catalog: Catalog) -> dict[tuple[str, str], dict[str, str]]:
    """(connector, object) -> {column: DuckDB type} of a healthy landed table."""
    columns: dict[tuple[str, str], dict[str, str]] = {}
    for connector, obj, batch in pull(_sample_tenant(catalog), window(SAMPLE_END, SAMPLE_DAYS)):
        table = as_arrow(batch)
        text_json = set(json_columns(table.schema))
        seen = columns.setdefault((connector, obj), {})
        for f in table.schema:
            if f.name != NATURAL_ID:
                seen.setdefault(f.name, duckdb_type(f, text_json))
    return columns


LIBRARY_FILE = REPO_ROOT / "warehouse" / "connector_library.json"


def library_document(catalog: Catalog) -> dict:
    return {f"{c}.{o}": dict(sorted(cols.items())) for (c, o), cols in sorted(expected_schemas(catalog).items())}


def write_library_file() -> None:
    from gata.config import load_config

    LIBRARY_FILE.write_text(json.dumps(library_document(load_config().catalog), indent=1, sort_keys=True) + "\n")


def stored_schemas(catalog: Catalog) -> dict[tuple[str, str], dict[str, str]]:
    """The committed library, or a fresh computation when it is missing."""
    if not LIBRARY_FILE.exists():
        return expected_schemas(catalog)
    doc = json.loads(LIBRARY_FILE.read_text())
    return {tuple(key.split(".", 1)): cols for key, cols in doc.items()}  # type: ignore[misc]


def register_library(workspace: Workspace, catalog: Catalog, tenant_slug: str | None = None) -> int:
    """Write the library into a tenant's database (its schema history and source candidates compare with it)
    or, without a tenant, into the platform database; returns the number of connector objects registered."""
    schemas = stored_schemas(catalog)
    rows, column_rows = [], []
    for (connector, obj), cols in sorted(schemas.items()):
        rows.append(
            (
                connector,
                obj,
                catalog[connector].master_model_name(obj),
                schema_hash(cols),
                json.dumps(dict(sorted(cols.items()))),
            )
        )
        column_rows += [(connector, obj, name, dtype) for name, dtype in sorted(cols.items())]
    workspace.ensure()
    with _library_connection(workspace, tenant_slug) as con:
        con.execute(DDL)
        con.executemany(
            f"insert into {PLATFORM_SCHEMA}.connector_library "
            "(connector, object_name, master_model, expected_schema_hash, expected_columns) "
            "values (?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany(f"insert into {PLATFORM_SCHEMA}.connector_library_columns values (?, ?, ?, ?)", column_rows)
    return len(rows)


@contextmanager
def _library_connection(workspace: Workspace, tenant_slug: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    if tenant_slug is None:
        with platform_connection(workspace) as con:
            yield con
        return
    path = workspace.warehouse_path(tenant_slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        yield con


def library_registered(workspace: Workspace, tenant_slug: str) -> bool:
    path = workspace.warehouse_path(tenant_slug)
    if not path.exists():
        return False
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [PLATFORM_SCHEMA, "connector_library"],
        ).fetchone()[0]
    return bool(found)
