"""One tenant's semantic layer: the model definitions, the tenant's overlay and its snapshot's tables, on BSL.

Models are built over unbound ibis tables named after the tenant's own star tables, so every compiled
query can only name that tenant's tables; the SQL runs on the tenant's read snapshot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

import ibis
import ibis.expr.types as ir
from boring_semantic_layer import SemanticModel, to_semantic_table

from gata.semantic.definitions import (
    MODEL_DEFS,
    DimensionDef,
    JoinDef,
    MeasureDef,
    ModelDef,
    funnel_measures,
    non_additive,
)
from gata.semantic.derived import blended_table, business_table, platform_of_source
from gata.semantic.overlay import Condition, ExtraMeasure, FieldOverlay, Overlay
from gata.star.contracts import BY_TABLE


class UnknownModelError(LookupError):
    pass


@dataclass
class ResolvedModel:
    """A model definition with the tenant's overlay applied and its source expression."""

    definition: ModelDef
    table: ir.Table
    dimensions: dict[str, DimensionDef]
    measures: dict[str, MeasureDef]
    joins: dict[str, JoinDef]
    label: str
    description: str
    synonyms: tuple[str, ...]
    semantic: SemanticModel = field(init=False)

    @property
    def name(self) -> str:
        return self.definition.name


def _grain_expr(column: str, dtype) -> Any:
    if dtype.is_timestamp():
        return lambda t: t[column].cast("date")
    return lambda t: t[column]


def _condition(c: Condition):
    def cond(t: ir.Table) -> ir.Value:
        col = t[c.column]
        values = c.value if isinstance(c.value, list) else [c.value]
        return {
            "eq": lambda: col == values[0],
            "ne": lambda: col != values[0],
            "in": lambda: col.isin(values),
            "not_in": lambda: ~col.isin(values),
        }[c.op]()

    return cond


def _extra_measure(name: str, spec: ExtraMeasure, measures: dict[str, MeasureDef]) -> MeasureDef:
    if spec.ratio is not None:
        for part in (spec.ratio.numerator, spec.ratio.denominator):
            if part not in measures:
                raise ValueError(f"measure '{name}': ratio names unknown measure '{part}'")
        num, den, scale = measures[spec.ratio.numerator].expr, measures[spec.ratio.denominator].expr, spec.ratio.scale

        def expr(t):
            return num(t).cast("float64") * scale / den(t).cast("float64").nullif(0)

        expr = non_additive(expr)
    else:
        where = [_condition(c) for c in spec.where]

        def mask(t):
            if not where:
                return None
            out = where[0](t)
            for w in where[1:]:
                out = out & w(t)
            return out

        agg, col = spec.aggregate, spec.column

        def expr(t):
            if agg == "count":
                return t.count(where=mask(t))
            if agg == "count_distinct":
                return t[col].nunique(where=mask(t))
            return getattr(t[col], {"avg": "mean"}.get(agg, agg))(where=mask(t))

        if agg in ("avg", "min", "max"):  # a missing period is not a mean (or extreme) of 0
            expr = non_additive(expr)
    return MeasureDef(
        name,
        spec.label or name.replace("_", " ").capitalize(),
        spec.description or "",
        expr,
        spec.format or "number",
        tuple(spec.synonyms),
    )


def _apply_field(base, over: FieldOverlay):
    return replace(
        base,
        label=over.label or base.label,
        description=over.description or base.description,
        format=over.format or base.format,
        synonyms=tuple(dict.fromkeys([*base.synonyms, *over.synonyms])),
    )


def _check_columns(model: str, table: ir.Table, columns: list[str]) -> None:
    unknown = [c for c in columns if c not in table.columns]
    if unknown:
        raise ValueError(f"overlay for model '{model}' names unknown column(s) {unknown}")


class TenantLayer:
    """The semantic models of one tenant at one snapshot version."""

    def __init__(self, tenant: str, version: str, schemas: dict[str, ibis.Schema], profile: dict, overlay: Overlay):
        self.tenant = tenant
        self.version = version
        self.profile = profile
        self.currency = profile.get("reporting_currency", "USD")
        tables = {
            contract: ibis.table(
                schemas[BY_TABLE[contract].model_name(tenant)], name=BY_TABLE[contract].model_name(tenant)
            )
            for contract in BY_TABLE
        }
        tables["blended"] = blended_table(tables)
        tables["business"] = business_table(tables)
        self.models: dict[str, ResolvedModel] = {}
        for name, definition in MODEL_DEFS.items():
            self.models[name] = self._resolve(definition, tables[definition.table], overlay)
        for model in self.models.values():
            for join in model.joins.values():
                target = self.models.get(join.model)
                if target is None:
                    raise ValueError(f"model '{model.name}' joins unknown model '{join.model}'")
                _check_columns(model.name, model.table, [join.column, *filter(None, [join.source_column])])
                _check_columns(join.model, target.table, [join.to_column])
        for model in self.models.values():
            model.semantic = self._semantic(model)
        self._joined: dict[tuple[str, tuple[str, ...]], SemanticModel] = {}
        self._lock = threading.Lock()

    def _resolve(self, definition: ModelDef, table: ir.Table, overlay: Overlay) -> ResolvedModel:
        over = overlay.models.get(definition.name)
        dims = {d.name: d for d in definition.dimensions}
        measures = {m.name: m for m in definition.measures}
        if definition.name == "sessions":
            steps = self._funnel_steps()
            measures.update({m.name: m for m in funnel_measures(len(steps), steps)})
        joins = {j.model: j for j in definition.joins}
        label, description, synonyms = definition.label, definition.description, definition.synonyms
        if over is not None:
            label = over.label or label
            description = over.description or description
            synonyms = tuple(dict.fromkeys([*synonyms, *over.synonyms]))
            for name, fo in over.dimensions.items():
                if name in dims:
                    dims[name] = _apply_field(dims[name], fo)
                else:
                    _check_columns(definition.name, table, [name])
                    dims[name] = DimensionDef(
                        name,
                        fo.label or name,
                        fo.description or "",
                        name,
                        format=fo.format or "text",
                        synonyms=tuple(fo.synonyms),
                    )
            for name, mo in over.measures.items():
                if isinstance(mo, ExtraMeasure):
                    if name in measures:
                        raise ValueError(f"overlay measure '{definition.name}.{name}' already exists")
                    columns = [mo.column] if mo.column else []
                    _check_columns(definition.name, table, columns + [c.column for c in mo.where])
                    measures[name] = _extra_measure(name, mo, measures)
                elif name in measures:
                    measures[name] = _apply_field(measures[name], mo)
                else:
                    raise ValueError(f"overlay relabels unknown measure '{definition.name}.{name}'")
            for target, jo in over.joins.items():
                joins[target] = JoinDef(target, jo.column, jo.to_column)
        clash = set(dims) & set(measures)
        if clash:
            raise ValueError(f"model '{definition.name}': names used as both dimension and measure: {sorted(clash)}")
        _check_columns(definition.name, table, [d.column for d in dims.values()])
        return ResolvedModel(definition, table, dims, measures, joins, label, description, synonyms)

    def _funnel_steps(self) -> list[str]:
        """Step labels: the tools' own event names at each position (tools may name steps differently)."""
        tools = self.profile.get("analytics", {})
        depth = max((len(t["funnel_steps"]) for t in tools.values()), default=0)
        return [
            " / ".join(dict.fromkeys(t["funnel_steps"][k] for t in tools.values() if len(t["funnel_steps"]) > k))
            for k in range(depth)
        ]

    @staticmethod
    def _semantic(model: ResolvedModel) -> SemanticModel:
        dims: dict[str, Any] = {}
        for d in model.dimensions.values():
            expr = _grain_expr(d.column, model.table.schema()[d.column])
            if d.is_time:
                dims[d.name] = {
                    "expr": expr,
                    "description": d.description,
                    "is_time_dimension": True,
                    "smallest_time_grain": "TIME_GRAIN_DAY",
                }
            else:
                dims[d.name] = {"expr": expr, "description": d.description}
        return (
            to_semantic_table(model.table, name=model.name, description=model.description)
            .with_dimensions(**dims)
            .with_measures(**{m.name: m.expr for m in model.measures.values()})
        )

    def model(self, name: str) -> ResolvedModel:
        try:
            return self.models[name]
        except KeyError:
            raise UnknownModelError(f"unknown model '{name}'; valid models: {', '.join(sorted(self.models))}") from None

    def joined(self, name: str, targets: tuple[str, ...]) -> SemanticModel:
        """The model joined to the given models along its declared paths (built once per combination)."""
        key = (name, targets)
        with self._lock:
            if key not in self._joined:
                base = self.models[name]
                sem = base.semantic
                for target in targets:
                    sem = sem.join_one(self.models[target].semantic, on=_join_predicate(base.joins[target]))
                self._joined[key] = sem
            return self._joined[key]


def _join_predicate(join: JoinDef):
    """Equal keys, and for a join by campaign name also the platform the row's utm_source names."""

    def on(left, right):
        predicate = left[join.column] == right[join.to_column]
        if join.source_column is not None:
            predicate = predicate & (platform_of_source(left[join.source_column]) == right.source_platform)
        return predicate

    return on
