"""The natural id of a landed record: its primary-key values joined, as one string column.

Landing merges on it, and the master models key on (tenant, platform, natural id), so every object can
be keyed the same way whether its key is one field, several fields or a field nested in a JSON column.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

from gata.config.catalog import ConnectorObject
from gata.connectors.arrow import json_columns

NATURAL_ID = "_gata_natural_id"
SEPARATOR = "|"


class MissingKeyError(ValueError):
    pass


def _key_column(table: pa.Table, path: tuple[str, ...], text_json: set[str]) -> pa.Array:
    head, rest = path[0], path[1:]
    if head not in table.column_names:
        raise MissingKeyError(f"primary key field '{'/'.join(path)}' is missing from the records")
    col = table.column(head).combine_chunks()
    if not rest:
        return pc.cast(col, pa.string())
    if head in text_json:
        values = []
        for raw in col.to_pylist():
            node = json.loads(raw) if raw is not None else None
            for part in rest:
                node = node.get(part) if isinstance(node, dict) else None
            values.append(None if node is None else str(node))
        return pa.array(values, pa.string())
    for part in rest:
        col = pc.struct_field(col, part)
    return pc.cast(col, pa.string())


def add_natural_id(table: pa.Table, obj: ConnectorObject) -> pa.Table:
    text_json = set(json_columns(table.schema)) - {f.name for f in table.schema if pa.types.is_nested(f.type)}
    parts = [_key_column(table, path, text_json) for path in obj.key_paths()]
    for part, path in zip(parts, obj.primary_key, strict=True):
        if part.null_count:
            raise MissingKeyError(f"primary key field '{path}' is null in {part.null_count} record(s)")
    natural = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, SEPARATOR)
    return table.append_column(pa.field(NATURAL_ID, pa.string(), nullable=False), natural)
