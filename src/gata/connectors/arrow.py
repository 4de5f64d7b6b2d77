"""Conversion between API-shaped records and the Arrow tables that are landed.

Top-level keys become columns, spelled exactly as the API spells them. Nested values (objects, arrays)
are kept whole as JSON text, never exploded into child tables; the table's schema metadata names those
columns so landing types them JSON. Column sets are the union over all records, so a field that first
appears late in a batch is kept.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

JSON_COLUMNS_KEY = b"gata.json_columns"


class RecordShapeError(ValueError):
    pass


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def records_to_arrow(records: list[dict]) -> pa.Table:
    keys: dict[str, None] = {}
    for r in records:
        for k in r:
            keys.setdefault(k, None)
    arrays, names, json_cols = [], [], []
    for k in keys:
        values = [r.get(k) for r in records]
        present = [v for v in values if v is not None]
        if not present:
            continue  # an all-null column carries no type; the key reads back as null
        if any(isinstance(v, dict | list) for v in present):
            arrays.append(pa.array([None if v is None else _dumps(v) for v in values], type=pa.string()))
            json_cols.append(k)
        else:
            try:
                arrays.append(pa.array(values))
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise RecordShapeError(f"field '{k}' mixes types across records: {exc}") from exc
        names.append(k)
    table = pa.Table.from_arrays(arrays, names=names) if names else pa.table({})
    return with_json_columns(table, json_cols)


def with_json_columns(table: pa.Table, columns: list[str]) -> pa.Table:
    meta = dict(table.schema.metadata or {})
    meta[JSON_COLUMNS_KEY] = _dumps(sorted(columns)).encode()
    return table.replace_schema_metadata(meta)


def json_columns(schema: pa.Schema) -> list[str]:
    """Columns landed as JSON: those named in the metadata plus native Arrow nested columns."""
    named = json.loads((schema.metadata or {}).get(JSON_COLUMNS_KEY, b"[]"))
    nested = [f.name for f in schema if pa.types.is_nested(f.type)]
    return sorted(set(named) | set(nested))


def arrow_to_records(table: pa.Table) -> list[dict]:
    text_json = set(json.loads((table.schema.metadata or {}).get(JSON_COLUMNS_KEY, b"[]")))
    rows = table.to_pylist()
    if text_json:
        for row in rows:
            for k in text_json:
                if row.get(k) is not None:
                    row[k] = json.loads(row[k])
    return rows


def as_arrow(batch: list[dict] | pa.Table) -> pa.Table:
    return batch if isinstance(batch, pa.Table) else records_to_arrow(batch)


def as_records(batch: list[dict] | pa.Table) -> list[dict]:
    return arrow_to_records(batch) if isinstance(batch, pa.Table) else batch
