"""BigQuery's REST row format, both ways: `tabledata.list` sends every row as `{"f": [{"v": ...}]}` in the
table schema's field order, scalars as strings (INTEGER "12", FLOAT "1.5", BOOLEAN "true"), a RECORD as a
nested `{"f": [...]}`, a REPEATED field as `[{"v": ...}]`. The simulator encodes render.py's Arrow table
(`schema_of`, `encode`); the client decodes the rows back into an Arrow table of the same schema (`arrow_schema`,
`decode`), so both modes land the same columns and values."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

SCALARS = {"STRING": pa.string(), "INTEGER": pa.int64(), "FLOAT": pa.float64(), "BOOLEAN": pa.bool_()}


def _field(f: pa.Field) -> dict:
    t, mode = f.type, "NULLABLE"
    if pa.types.is_list(t):
        t, mode = t.value_type, "REPEATED"
    if pa.types.is_struct(t):
        return {"name": f.name, "type": "RECORD", "mode": mode, "fields": [_field(c) for c in t]}
    kind = next(k for k, v in SCALARS.items() if v == t)
    return {"name": f.name, "type": kind, "mode": mode}


def schema_of(schema: pa.Schema) -> dict:
    return {"fields": [_field(f) for f in schema]}


def _type(field: dict) -> pa.DataType:
    t = pa.struct([_arrow_field(c) for c in field["fields"]]) if field["type"] == "RECORD" else SCALARS[field["type"]]
    return pa.list_(t) if field.get("mode") == "REPEATED" else t


def _arrow_field(field: dict) -> pa.Field:
    return pa.field(field["name"], _type(field))


def arrow_schema(schema: dict) -> pa.Schema:
    return pa.schema([_arrow_field(f) for f in schema["fields"]])


def _enc_scalar(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _enc(field: dict, value: Any) -> Any:
    if value is None:
        return None
    if field.get("mode") == "REPEATED":
        return [{"v": _enc({**field, "mode": "NULLABLE"}, v)} for v in value]
    if field["type"] == "RECORD":
        return {"f": [{"v": _enc(c, value.get(c["name"]))} for c in field["fields"]]}
    return _enc_scalar(value)


def encode(schema: dict, rows: list[dict]) -> list[dict]:
    return [{"f": [{"v": _enc(f, row.get(f["name"]))} for f in schema["fields"]]} for row in rows]


def _dec_scalar(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "INTEGER":
        return int(value)
    if kind == "FLOAT":
        return float(value)
    if kind == "BOOLEAN":
        return value == "true"
    return value


def _dec(field: dict, value: Any) -> Any:
    if value is None:
        return None
    if field.get("mode") == "REPEATED":
        return [_dec({**field, "mode": "NULLABLE"}, item["v"]) for item in value]
    if field["type"] == "RECORD":
        return {c["name"]: _dec(c, cell["v"]) for c, cell in zip(field["fields"], value["f"], strict=True)}
    return _dec_scalar(field["type"], value)


def decode(schema: dict, rows: list[dict]) -> pa.Table:
    """Rows of a `tabledata.list` page as an Arrow table; a row that does not fit the schema raises ValueError."""
    fields = schema["fields"]
    try:
        records = [{f["name"]: _dec(f, cell["v"]) for f, cell in zip(fields, row["f"], strict=True)} for row in rows]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a row does not fit the table schema ({type(exc).__name__})") from None
    return pa.Table.from_pylist(records, schema=arrow_schema(schema))
