"""Schema drift: what a load's records look like versus the connector library's registered schema.

Read from the staged batches (what the source actually sent), so a removed field is seen even though the
landed table keeps its column, and a retyped field is seen before dlt splits it into a variant column. Landing
goes on regardless: new fields land as columns and stay in raw_data_payload. A field is removed only when an
earlier load of the object held it (`schema_fields_seen`): a source leaves out fields no record has yet.
A finding is recorded once with the load that first brought it; later loads only move `last_seen_load_id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq

from gata.ingest.natural_id import NATURAL_ID
from gata.ingest.stage import StagedObject
from gata.runs.record import PLATFORM_SCHEMA, ensure_tables
from gata.warehouse.library import duckdb_type


@dataclass(frozen=True)
class Drift:
    connector: str
    object_name: str
    field: str
    change: str  # added | removed | type_changed
    expected_type: str | None
    observed_type: str | None


def observed_schema(staged: StagedObject) -> dict[str, str]:
    columns: dict[str, str] = {}
    for path in staged.files:
        for f in pq.read_schema(path):
            if f.name != NATURAL_ID:
                columns.setdefault(f.name, duckdb_type(f, staged.json_columns))
    return columns


def compare(
    connector: str, object_name: str, expected: dict[str, str], observed: dict[str, str], earlier: set[str]
) -> list[Drift]:
    """`earlier`: the fields earlier loads of the object held. Only those can be removed: a registered field a
    source has never sent (Shopify's cancel fields before the first cancelled order) is not a removal."""
    found = []
    for name in sorted(set(observed) - set(expected)):
        found.append(Drift(connector, object_name, name, "added", None, observed[name]))
    for name in sorted((set(expected) & earlier) - set(observed)):
        found.append(Drift(connector, object_name, name, "removed", expected[name], None))
    for name in sorted(set(expected) & set(observed)):
        if expected[name] != observed[name]:
            found.append(Drift(connector, object_name, name, "type_changed", expected[name], observed[name]))
    return found


def observe(objects: list[StagedObject]) -> dict[tuple[str, str], dict[str, str]]:
    """The fields (and types) of every staged object that holds records."""
    return {(s.connector, s.object): observed_schema(s) for s in objects if s.files}


def detect(
    observed: dict[tuple[str, str], dict[str, str]],
    expected: dict[tuple[str, str], dict[str, str]],
    earlier: dict[tuple[str, str], set[str]],
) -> list[Drift]:
    """Drift of every observed object against the registered schemas (objects not registered are skipped)."""
    found = []
    for (connector, obj), fields in observed.items():
        registered = expected.get((connector, obj))
        if registered is not None:
            found += compare(connector, obj, registered, fields, earlier.get((connector, obj), set()))
    return found


def fields_seen(con: duckdb.DuckDBPyConnection, tenant: str) -> dict[tuple[str, str], set[str]]:
    """The fields each object of the tenant held in any earlier load."""
    ensure_tables(con)
    seen: dict[tuple[str, str], set[str]] = {}
    for connector, obj, name in con.execute(
        f"select connector, object_name, field from {PLATFORM_SCHEMA}.schema_fields_seen where tenant_slug = ?",
        [tenant],
    ).fetchall():
        seen.setdefault((connector, obj), set()).add(name)
    return seen


def remember(
    con: duckdb.DuckDBPyConnection,
    tenant: str,
    observed: dict[tuple[str, str], dict[str, str]],
    load_ids: dict[str, str],
) -> None:
    """Record the fields this load held, so the next load can tell a removed field from one never sent."""
    ensure_tables(con)
    rows = [
        (tenant, connector, obj, name, load_ids[connector], load_ids[connector])
        for (connector, obj), fields in observed.items()
        if connector in load_ids
        for name in fields
    ]
    if rows:
        con.executemany(
            f"insert into {PLATFORM_SCHEMA}.schema_fields_seen values (?, ?, ?, ?, ?, ?) "
            "on conflict do update set last_seen_load_id = excluded.last_seen_load_id",
            rows,
        )


def record(con: duckdb.DuckDBPyConnection, tenant: str, findings: list[Drift], load_ids: dict[str, str]) -> None:
    """Insert new findings with their first load; refresh the last load of findings seen before."""
    if not findings:
        return
    ensure_tables(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        (
            tenant,
            d.connector,
            d.object_name,
            d.field,
            d.change,
            d.expected_type,
            d.observed_type,
            load_ids[d.connector],
            now,
            load_ids[d.connector],
        )
        for d in findings
        if d.connector in load_ids
    ]
    con.executemany(
        f"insert into {PLATFORM_SCHEMA}.schema_drift values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "on conflict do update set last_seen_load_id = excluded.last_seen_load_id, "
        "observed_type = excluded.observed_type",
        rows,
    )
