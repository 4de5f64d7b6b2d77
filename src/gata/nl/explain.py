"""How a structured query reads back in business words, whichever interpreter produced it: the user checks
the reading, not the SQL."""

from __future__ import annotations

from datetime import date

from gata.nl.schemas import Explanation
from gata.semantic.dates import DateRangeError, resolve
from gata.semantic.layer import TenantLayer
from gata.semantic.query import Condition, Group, SemanticQuery

OPS = {
    "eq": "is",
    "ne": "is not",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "is one of",
    "not_in": "is none of",
    "contains": "contains",
    "starts_with": "starts with",
    "is_null": "is empty",
    "is_not_null": "is not empty",
}


def label(layer: TenantLayer, model: str, spelled: str) -> str:
    if "." in spelled:
        target, name = spelled.split(".", 1)
        if target in layer.models:
            t = layer.models[target]
            f = t.dimensions.get(name) or t.measures.get(name)
            return f"{t.label} {f.label.lower()}" if f else spelled
    m = layer.models.get(model)
    f = (m.dimensions.get(spelled) or m.measures.get(spelled)) if m else None
    return f.label if f else spelled


def _value(v) -> str:
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    return f"'{v}'" if isinstance(v, str) else str(v)


def _filter(layer: TenantLayer, model: str, item: Condition | Group) -> str:
    if isinstance(item, Condition):
        text = f"{label(layer, model, item.field)} {OPS[item.op]}"
        return text if item.value is None else f"{text} {_value(item.value)}"
    joiner = " and " if item.kind == "AND" else " or "
    return "(" + joiner.join(_filter(layer, model, m) for m in item.members) + ")"


def _period(query: SemanticQuery, today: date) -> str | None:
    rng = query.date_range
    if rng is None:
        return None
    try:
        start, end = resolve(rng, today)
    except DateRangeError:
        return rng.relative
    days = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    return f"{rng.relative.replace('_', ' ')} ({days})" if rng.relative else days


def explain(query: SemanticQuery, layer: TenantLayer, today: date, notes: list[str] | None = None) -> Explanation:
    model = layer.model(query.model)
    measures = [label(layer, model.name, m) for m in query.measures]
    dims = [label(layer, model.name, d) for d in query.dimensions]
    filters = [_filter(layer, model.name, f) for f in query.filters]
    period = _period(query, today)
    order = None
    if query.order_by:
        o = query.order_by[0]
        word = "highest" if o.direction == "desc" else "lowest"
        order = f"{word} {label(layer, model.name, o.field)} first"
        if query.limit < 1000:
            order += f", top {query.limit}" if query.limit > 1 else ", the first only"
    text = f"{', '.join(measures) or 'rows'} from {model.label}"
    if query.time_grain:
        text += f" per {query.time_grain}"
    if dims:
        text += f" by {', '.join(dims)}"
    if filters:
        text += f" where {' and '.join(filters)}"
    text += f", {period}" if period else ", all time"
    if query.compare:
        text += ", compared with the period just before"
    if order:
        text += f"; {order}"
    return Explanation(
        text=text + ".",
        model=model.name,
        model_label=model.label,
        measures=measures,
        dimensions=dims,
        filters=filters,
        period=period,
        time_grain=query.time_grain,
        compare=query.compare,
        order=order,
        notes=notes or [],
    )
