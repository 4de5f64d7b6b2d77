"""Structured query -> one DuckDB SQL statement over the tenant's own tables, through BSL and ibis.

Every name is checked against the tenant's models before anything is built, filter values are coerced to
the field's type and bound as typed ibis literals (never spliced as text), and ordering always ends with
every output column so the same query gives the same SQL and the same rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import ibis
import ibis.expr.types as ir
from boring_semantic_layer import to_untagged

from gata.semantic import settling
from gata.semantic.dates import previous_period, resolve
from gata.semantic.definitions import RENAMED
from gata.semantic.layer import ResolvedModel, TenantLayer
from gata.semantic.query import Column, Condition, Group, SemanticQuery, Unsettled

GRAINS = {
    "day": "TIME_GRAIN_DAY",
    "week": "TIME_GRAIN_WEEK",
    "month": "TIME_GRAIN_MONTH",
    "quarter": "TIME_GRAIN_QUARTER",
    "year": "TIME_GRAIN_YEAR",
}
BSL_OPS = {
    "eq": "=",
    "ne": "!=",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "in": "in",
    "not_in": "not in",
    "contains": "ilike",
    "starts_with": "like",
    "is_null": "is null",
    "is_not_null": "is not null",
}
COMPARE_SUFFIXES = ("previous", "delta", "pct_change")
MAX_SQL_CHARS = 200_000  # the compiled statement: far above the costliest query the query limits allow
# rows x columns a result may hold: turning a result into JSON holds the GIL without a break (Arrow to Python,
# pydantic), so its size bounds how long one tenant's answer can pause every other request of the process
MAX_RESULT_CELLS = 100_000


class QueryValidationError(ValueError):
    """A query that names something the tenant's models do not have, or asks for something impossible."""


@dataclass(frozen=True)
class FieldRef:
    spelled: str  # as the query spells it: `spend` or `campaigns.campaign_name`
    model: ResolvedModel
    name: str
    kind: str  # dimension | measure
    join: str | None  # the joined model's name, None for the queried model's own fields

    def bsl(self, joined: bool, base: str) -> str:
        return f"{self.join or base}.{self.name}" if joined else self.name


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    columns: list[Column]
    date_range: tuple[date, date] | None
    unsettled: tuple[Unsettled, ...] = ()
    notes: tuple[str, ...] = ()


def _valid_fields(model: ResolvedModel, layer: TenantLayer) -> str:
    own = sorted([*model.dimensions, *model.measures])
    joined = [f"{j}.{d}" for j in sorted(model.joins) for d in sorted(layer.models[j].dimensions)]
    return ", ".join(own + joined)


def _resolve_field(name: str, model: ResolvedModel, layer: TenantLayer) -> FieldRef:
    if "." in name:
        prefix, field_name = name.split(".", 1)
        if prefix == model.name:
            return _resolve_field(field_name, model, layer)
        if prefix not in model.joins:
            joins = ", ".join(sorted(model.joins)) or "none"
            raise QueryValidationError(
                f"model '{model.name}' has no join to '{prefix}' (its joins: {joins}); valid fields: "
                f"{_valid_fields(model, layer)}"
            )
        target = layer.models[prefix]
        if field_name in target.dimensions:
            return FieldRef(name, target, field_name, "dimension", prefix)
        if field_name in target.measures:
            raise QueryValidationError(
                f"'{name}' is a measure of '{prefix}'; only dimensions of joined models can be used. "
                f"Valid fields: {_valid_fields(model, layer)}"
            )
        raise QueryValidationError(f"unknown field '{name}'; valid fields: {_valid_fields(model, layer)}")
    if name in model.dimensions:
        return FieldRef(name, model, name, "dimension", None)
    if name in model.measures:
        return FieldRef(name, model, name, "measure", None)
    if (model.name, name) in RENAMED:
        raise QueryValidationError(
            f"'{name}' of model '{model.name}' was renamed: it named one of several figures (platform-reported, "
            f"attributed, revenue over spend). Ask for one of: {', '.join(RENAMED[(model.name, name)])}"
        )
    raise QueryValidationError(
        f"unknown field '{name}' in model '{model.name}'; valid fields: {_valid_fields(model, layer)}"
    )


def _field_type(ref: FieldRef) -> Any:
    if ref.kind == "measure":
        return "number"
    dim = ref.model.dimensions[ref.name]
    dtype = ref.model.table.schema()[dim.column]
    if dtype.is_timestamp() or dtype.is_date():
        return "date"
    if dtype.is_boolean():
        return "boolean"
    if dtype.is_numeric():
        return "number"
    return "string"


def _coerce(value: Any, kind: str, field: str) -> Any:
    """A filter value as the field's own type, or a clear error naming the field."""
    try:
        if kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "false"):
                return str(value).lower() == "true"
            raise ValueError
        if kind == "number":
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, int | float):
                return value
            number = Decimal(str(value))
            if not number.is_finite() or not math.isfinite(float(number)):
                raise ValueError
            return float(number)
        return value if isinstance(value, str) else str(value)
    except (ValueError, InvalidOperation):
        raise QueryValidationError(f"filter on '{field}': {value!r} is not a valid {kind}") from None


def _typed(value: Any, kind: str) -> Any:
    """Text as a string literal: BSL reads any date-like string as a timestamp, which cannot be compared with a
    text field (`campaign_name eq "2026-01-15"`)."""
    return ibis.literal(value, type="string") if kind == "string" else value


class _Filters:
    """Turns conditions into BSL's filter dicts, split into row filters and group (measure) filters."""

    def __init__(self, model: ResolvedModel, layer: TenantLayer, joined: bool):
        self.model, self.layer, self.joined = model, layer, joined
        self.measures_used: list[FieldRef] = []

    def condition(self, c: Condition) -> tuple[dict, bool]:
        ref = _resolve_field(c.field, self.model, self.layer)
        kind = _field_type(ref)
        spec: dict[str, Any] = {"field": ref.bsl(self.joined, self.model.name), "operator": BSL_OPS[c.op]}
        if c.op in ("contains", "starts_with"):
            if kind != "string":
                raise QueryValidationError(f"filter on '{c.field}': '{c.op}' works on text fields only")
            text = _coerce(c.value, "string", c.field)
            spec["value"] = f"%{text}%" if c.op == "contains" else f"{text}%"
        elif c.op in ("in", "not_in"):
            spec["values"] = [_typed(_coerce(v, kind, c.field), kind) for v in c.value]  # type: ignore[union-attr]
        elif c.op not in ("is_null", "is_not_null"):
            if kind == "boolean" and c.op in ("gt", "gte", "lt", "lte"):
                raise QueryValidationError(f"filter on '{c.field}': '{c.op}' does not apply to a yes/no field")
            spec["value"] = _typed(_coerce(c.value, kind, c.field), kind)
        if ref.kind == "measure":
            self.measures_used.append(ref)
        return spec, ref.kind == "measure"

    def group(self, g: Group) -> tuple[dict, bool]:
        parts = [self.condition(m) if isinstance(m, Condition) else self.group(m) for m in g.members]
        on_measures = {is_measure for _, is_measure in parts}
        if len(on_measures) > 1 and g.kind == "OR":
            raise QueryValidationError(
                "an 'or' group cannot mix dimension and measure conditions (row filters apply before "
                "aggregation, measure filters after)"
            )
        return {"operator": g.kind, "conditions": [p for p, _ in parts]}, True in on_measures


def _fields_of(item: Condition | Group) -> list[str]:
    if isinstance(item, Condition):
        return [item.field]
    return [f for m in item.members for f in _fields_of(m)]


def compile_query(query: SemanticQuery, layer: TenantLayer, today: date) -> CompiledQuery:
    model = layer.model(query.model)
    dims = [_resolve_field(d, model, layer) for d in query.dimensions]
    measures = [_resolve_field(m, model, layer) for m in query.measures]
    for ref in dims:
        if ref.kind != "dimension":
            raise QueryValidationError(f"'{ref.spelled}' is a measure; list it under 'measures'")
    for ref in measures:
        if ref.kind != "measure":
            raise QueryValidationError(f"'{ref.spelled}' is a dimension; list it under 'dimensions'")
    if len({r.spelled for r in dims + measures}) != len(dims) + len(measures):
        raise QueryValidationError("a field is listed twice")

    time_ref = None
    if query.time_grain or query.date_range:
        time_ref = _resolve_field(query.time_dimension or model.definition.time_dimension, model, layer)
        if time_ref.kind != "dimension" or not time_ref.model.dimensions[time_ref.name].is_time:
            raise QueryValidationError(f"'{time_ref.spelled}' is not a time dimension")
    elif query.time_dimension:
        raise QueryValidationError("'time_dimension' needs a 'time_grain' or a 'date_range'")
    if query.time_grain and time_ref is not None and time_ref.spelled not in {d.spelled for d in dims}:
        dims.insert(0, time_ref)
    if query.compare and time_ref is not None and any(d.spelled == time_ref.spelled for d in dims):
        raise QueryValidationError(
            "'compare' compares the period's totals; do not group by its time dimension (drop time_grain)"
        )

    filter_fields = [f for item in query.filters for f in _fields_of(item)]
    for f in filter_fields:
        _resolve_field(f, model, layer)
    referenced = [*dims, *measures, *[_resolve_field(f, model, layer) for f in filter_fields]]
    if time_ref is not None:
        referenced.append(time_ref)
    joins = tuple(sorted({r.join for r in referenced if r.join}))
    joined = bool(joins)
    semantic = layer.joined(model.name, joins) if joined else model.semantic

    conv = _Filters(model, layer, joined)
    row_filters: list[dict] = []
    group_filters: list[dict] = []
    for item in query.filters:
        spec, on_measure = conv.condition(item) if isinstance(item, Condition) else conv.group(item)
        (group_filters if on_measure else row_filters).append(spec)
    for ref in conv.measures_used:  # a measure filter needs the measure in the result
        if ref.spelled not in {m.spelled for m in measures}:
            measures.append(ref)

    period = None
    if query.date_range is not None:
        start, end = resolve(query.date_range, today)
        period = (start, end)
    settles = _settling_measures(measures)
    windows = settling.windows(layer.profile)
    if query.settled_only and period is not None:
        period = settling.settled_period(period, list(settles), windows)
    compared = previous_period(*period) if query.compare and period is not None else None
    flags, notes = settling.flags(settles, windows, period, compared)
    unknown_change = {m for f in flags for m in f.measures}
    notes += _history_notes(measures, layer)
    bsl_dims = [r.bsl(joined, model.name) for r in dims]
    bsl_measures = [r.bsl(joined, model.name) for r in measures]
    grains = {time_ref.bsl(joined, model.name): GRAINS[query.time_grain]} if query.time_grain and time_ref else None

    def run(rng: tuple[date, date] | None) -> ir.Table:
        filters = list(row_filters)
        if rng is not None:
            field = time_ref.bsl(joined, model.name)  # type: ignore[union-attr]
            filters += [
                {"field": field, "operator": ">=", "value": rng[0]},
                {"field": field, "operator": "<=", "value": rng[1]},
            ]
        result = semantic.query(
            dimensions=bsl_dims, measures=bsl_measures, filters=filters + group_filters, time_grains=grains
        )
        return to_untagged(result).rename({r.spelled: r.bsl(joined, model.name) for r in dims + measures})

    try:
        table = run(period)
        out_names = [r.spelled for r in dims + measures]
        if compared is not None:
            table, out_names = _with_previous(table, run(compared), dims, measures, unknown_change)
        table = table.select(*out_names)
    except (ValueError, KeyError, AttributeError) as exc:  # BSL / ibis rejecting a combination
        raise QueryValidationError(f"query cannot be compiled: {exc}") from None

    if query.limit * len(out_names) > MAX_RESULT_CELLS:
        raise QueryValidationError(
            f"the result may hold {query.limit} rows x {len(out_names)} columns; at most {MAX_RESULT_CELLS:,} "
            "values: lower 'limit' or ask for fewer fields"
        )
    order: dict[str, str] = {}
    for o in query.order_by:
        if o.field not in out_names:
            raise QueryValidationError(
                f"order_by '{o.field}' is not in the result; order by one of: {', '.join(out_names)}"
            )
        order.setdefault(o.field, o.direction)
    if not query.order_by:
        if time_ref is not None and time_ref.spelled in out_names:
            order[time_ref.spelled] = "asc"
        elif measures:
            order[measures[0].spelled] = "desc"
    for n in out_names:  # ties broken the same way every time
        order.setdefault(n, "asc")
    keys = [ibis.desc(n) if d == "desc" else ibis.asc(n) for n, d in order.items()]
    table = table.order_by(keys).limit(query.limit)
    sql = ibis.to_sql(table, dialect="duckdb")
    if len(sql) > MAX_SQL_CHARS:
        raise QueryValidationError(
            f"the query compiles to more than {MAX_SQL_CHARS} characters of SQL: use fewer filters or values"
        )
    return CompiledQuery(
        str(sql), _columns(table, dims, measures, layer, out_names), period, tuple(flags), tuple(notes)
    )


def _settling_measures(measures: list[FieldRef]) -> dict[str, list[str]]:
    """The queried measures still restated after their day, by the domain whose window applies."""
    out: dict[str, list[str]] = {}
    for r in measures:
        domain = r.model.measures[r.name].settles_with
        if domain is not None:
            out.setdefault(domain, []).append(r.spelled)
    return out


def _history_notes(measures: list[FieldRef], layer: TenantLayer) -> list[str]:
    """A new customer is judged against the order history landed: the note says how far back that is."""
    since = layer.profile.get("history", {}).get("orders_from")
    if since and any(r.name in ("new_customers", "cac") and r.model.name == "blended" for r in measures):
        return [
            f"new customers: a buyer is new when no earlier order that counts was landed; the order history "
            f"landed begins on {since}, so buyers who ordered only before then are counted new"
        ]
    return []


def _with_previous(
    current: ir.Table, previous: ir.Table, dims, measures, unknown_change: set[str] = frozenset()
) -> tuple[ir.Table, list[str]]:
    prev = previous.rename({f"__prev_{r.spelled}": r.spelled for r in dims + measures})
    if dims:
        preds = [current[r.spelled].identical_to(prev[f"__prev_{r.spelled}"]) for r in dims]
        joined = current.outer_join(prev, preds)
    else:
        joined = current.cross_join(prev)
    cols: dict[str, Any] = {r.spelled: joined[r.spelled].coalesce(joined[f"__prev_{r.spelled}"]) for r in dims}
    for r in measures:
        cur, old = joined[r.spelled], joined[f"__prev_{r.spelled}"]
        cols[r.spelled] = cur
        cols[f"{r.spelled}_previous"] = old
        # a sum over no rows is zero; a ratio or mean with a side missing has no change (unknown, not the other
        # side's value)
        additive = r.model.measures[r.name].additive
        delta = cur.fill_null(0) - old.fill_null(0) if additive else cur - old
        if r.spelled in unknown_change:  # settling days on one side: not like for like
            delta = ibis.null(delta.type())
        cols[f"{r.spelled}_delta"] = delta
        cols[f"{r.spelled}_pct_change"] = delta.cast("float64") / old.cast("float64").nullif(0)
    table = joined.select(**cols)
    names = [r.spelled for r in dims] + [
        n for r in measures for n in (r.spelled, *[f"{r.spelled}_{s}" for s in COMPARE_SUFFIXES])
    ]
    return table, names


def _json_type(dtype) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_numeric():
        return "number"
    if dtype.is_date():
        return "date"
    if dtype.is_timestamp():
        return "timestamp"
    if dtype.is_boolean():
        return "boolean"
    return "string"


def joined_label(model_label: str, field_label: str) -> str:
    """A joined model's field as results and the model's description name it: "Campaigns: Objective"."""
    return f"{model_label}: {field_label}"


def _columns(table: ir.Table, dims, measures, layer: TenantLayer, names: list[str]) -> list[Column]:
    schema = table.schema()
    meta: dict[str, tuple[str, str]] = {}
    for r in dims:
        d = r.model.dimensions[r.name]
        meta[r.spelled] = (d.format, d.label if not r.join else joined_label(r.model.label, d.label))
    for r in measures:
        m = r.model.measures[r.name]
        meta[r.spelled] = (m.format, m.label)
        meta[f"{r.spelled}_previous"] = (m.format, f"{m.label} (previous period)")
        meta[f"{r.spelled}_delta"] = (m.format if m.format != "integer" else "number", f"{m.label} change")
        meta[f"{r.spelled}_pct_change"] = ("percent", f"{m.label} change %")
    out = []
    for n in names:
        fmt, label = meta[n]
        out.append(
            Column(
                name=n,
                type=_json_type(schema[n]),
                format=fmt,
                label=label,
                currency=layer.currency if fmt == "currency" else None,
            )
        )
    return out
