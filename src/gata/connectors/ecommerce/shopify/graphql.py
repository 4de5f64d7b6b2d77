"""Shopify's GraphQL shapes of render.py's records, both ways, and the selection sets that ask for them.

render.py spells an order or product as the Admin REST API did (snake_case, numeric `id` beside
`admin_graphql_api_id`, nested lists); the GraphQL Admin API serves the same facts camelCased, with the global id
as `id` and the numeric one as `legacyResourceId`, and lists of many as connections (`{nodes: [...]}`). The
simulator serves `to_node(record)`; the client lands `from_node(node)`, which gives the record back key for key
(order included), so both modes land the same columns. The client's query is built from render.py's record
models: every field, nested models as sub-selections, connections as `name(first: 250) { nodes { ... } }`.

A bulk operation's result is JSON lines: each object on its own line, the nodes of a nested connection on lines
of their own naming their `__parentId` (and, asked for, their `__typename`). `flatten` writes them (simulator),
`assemble` puts them back in the model's key order (client), so a bulk backfill lands what paging lands.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel

CONNECTION_TYPES = {
    "line_items": "LineItem",
    "discount_applications": "DiscountApplication",
    "refund_line_items": "RefundLineItem",
    "transactions": "OrderTransaction",
    "variants": "ProductVariant",
    "images": "Image",
}
CONNECTIONS = frozenset(CONNECTION_TYPES)
NESTED_FIRST = 250  # Shopify's largest page


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), key)


def to_node(record: dict) -> dict:
    node: dict[str, Any] = {}
    gid = record.get("admin_graphql_api_id")
    for key, value in record.items():
        if gid is not None and key == "id":
            node["id"] = gid
        elif gid is not None and key == "admin_graphql_api_id":
            node["legacyResourceId"] = str(record["id"])
        elif key in CONNECTIONS and isinstance(value, list):
            node[camel(key)] = {"nodes": [to_node(v) for v in value]}
        else:
            node[camel(key)] = _to(value)
    return node


def _to(value: Any) -> Any:
    if isinstance(value, dict):
        return to_node(value)
    if isinstance(value, list):
        return [_to(v) for v in value]
    return value


def from_node(node: dict) -> dict:
    record: dict[str, Any] = {}
    legacy = node.get("legacyResourceId")
    for key, value in node.items():
        if legacy is not None and key == "id":
            record["id"] = int(legacy)
        elif legacy is not None and key == "legacyResourceId":
            record["admin_graphql_api_id"] = node["id"]
        elif snake(key) in CONNECTIONS and isinstance(value, dict) and "nodes" in value:
            record[snake(key)] = [from_node(v) for v in value["nodes"]]
        else:
            record[snake(key)] = _from(value)
    return record


def _from(value: Any) -> Any:
    if isinstance(value, dict):
        return from_node(value)
    if isinstance(value, list):
        return [_from(v) for v in value]
    return value


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The record model inside `X`, `X | None` or `list[X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        return next((m for a in typing.get_args(annotation) if (m := _model_of(a))), None)
    return None


def selection(model: type[BaseModel], bulk: bool = False) -> str:
    """The selection set asking for every field of `model`, GraphQL-named; in a bulk query connections take no
    `first` and their nodes tell their `__typename`."""
    parts = []
    for name, field in model.model_fields.items():
        sub = _model_of(field.annotation)
        if name == "admin_graphql_api_id":
            parts.append("legacyResourceId")
        elif sub is None:
            parts.append(camel(name))
        elif name in CONNECTIONS and bulk:
            parts.append(f"{camel(name)} {{ edges {{ node {{ __typename {selection(sub, bulk)} }} }} }}")
        elif name in CONNECTIONS:
            parts.append(f"{camel(name)}(first: {NESTED_FIRST}) {{ nodes {{ {selection(sub)} }} }}")
        else:
            parts.append(f"{camel(name)} {{ {selection(sub, bulk)} }}")
    return " ".join(parts)


def _gid(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("gid://") else None


def flatten(node: dict) -> list[dict]:
    """A node as bulk-operation lines: itself without its connections, then each connection's nodes (and
    theirs) on lines of their own with `__typename` and the `__parentId` of the object holding the connection."""
    lines: list[dict] = []
    lines.insert(0, _strip(node, lines))
    return lines


def _strip(value: Any, lines: list[dict], parent: str | None = None) -> Any:
    if isinstance(value, list):
        return [_strip(v, lines, parent) for v in value]
    if not isinstance(value, dict):
        return value
    me = _gid(value.get("id")) or parent
    out = {}
    for key, v in value.items():
        if snake(key) in CONNECTIONS and isinstance(v, dict) and "nodes" in v:
            for child in v["nodes"]:
                line: dict = {}
                lines.append(line)
                line.update(_strip(child, lines, me))
                line.update({"__typename": CONNECTION_TYPES[snake(key)], "__parentId": me})
        else:
            out[key] = _strip(v, lines, me)
    return out


def assemble(lines: list[dict], model: type[BaseModel]) -> list[dict]:
    """Bulk-operation lines back into nodes, each in `model`'s key order (connections with no line: empty)."""
    fields = {t: camel(f) for f, t in CONNECTION_TYPES.items()}
    by_id: dict[str, dict] = {}
    roots = []
    for line in lines:
        parent, typename = line.pop("__parentId", None), line.pop("__typename", None)
        _index(line, by_id)
        if parent is None:
            roots.append(line)
        elif parent in by_id and typename in fields:
            by_id[parent].setdefault(fields[typename], {"nodes": []})["nodes"].append(line)
        else:
            raise ValueError(f"a line's parent {parent!r} or type {typename!r} is unknown")
    return [_ordered(root, model) for root in roots]


def _index(value: Any, by_id: dict[str, dict]) -> None:
    if isinstance(value, list):
        for v in value:
            _index(v, by_id)
    elif isinstance(value, dict):
        if gid := _gid(value.get("id")):
            by_id[gid] = value
        for v in value.values():
            _index(v, by_id)


def _ordered(node: Any, model: type[BaseModel]) -> Any:
    if isinstance(node, list):
        return [_ordered(v, model) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for name, field in model.model_fields.items():
        key = "legacyResourceId" if name == "admin_graphql_api_id" else camel(name)
        sub = _model_of(field.annotation)
        if name in CONNECTIONS and sub is not None:
            out[key] = {"nodes": [_ordered(n, sub) for n in node.get(key, {"nodes": []})["nodes"]]}
        elif key not in node:
            raise ValueError(f"a line has no '{key}'")
        else:
            out[key] = _ordered(node[key], sub) if sub is not None else node[key]
    return out


# --- the simulator's side: read a query's selection and answer it -----------------------------------------

_TOKENS = re.compile(r"[A-Za-z_]\w*|\{|\}|\([^()]*\)")


def parse_selection(query: str) -> dict[str, tuple[str, dict | None]]:
    """The operation's top selection set: name -> (arguments text, sub-selection or None)."""
    tokens = _TOKENS.findall(query)
    start = tokens.index("{") + 1 if "{" in tokens else len(tokens)
    selected, _ = _selection_set(tokens, start)
    return selected


def _selection_set(tokens: list[str], i: int) -> tuple[dict, int]:
    out: dict[str, tuple[str, dict | None]] = {}
    while i < len(tokens) and tokens[i] != "}":
        name, args, sub = tokens[i], "", None
        i += 1
        if i < len(tokens) and tokens[i].startswith("("):
            args, i = tokens[i], i + 1
        if i < len(tokens) and tokens[i] == "{":
            sub, i = _selection_set(tokens, i + 1)
        out[name] = (args, sub)
    return out, i + 1


class UnknownField(ValueError):
    pass


def project(node: Any, selected: dict[str, tuple[str, dict | None]] | None, type_name: str) -> Any:
    """`node` cut to the selection (keys in the node's order); a selected field it lacks is an error. A
    connection may be selected as `nodes { ... }` or `edges { node { ... } }`; `__typename` is left to the caller."""
    if selected is None or node is None:
        return node
    if isinstance(node, list):
        return [project(v, selected, type_name) for v in node]
    if "edges" in selected and "nodes" in node:
        inner = (selected["edges"][1] or {}).get("node", ("", None))[1]
        selected = {"nodes": ("", inner)}
    selected = {k: v for k, v in selected.items() if k != "__typename"}
    unknown = [k for k in selected if k not in node]
    if unknown:
        raise UnknownField(f"Field '{unknown[0]}' doesn't exist on type '{type_name}'")
    return {k: project(v, selected[k][1], k) for k, v in node.items() if k in selected}
