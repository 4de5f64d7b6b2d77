"""The chart that suits an answer: a line for a time series, a bar for a ranking or a few categories, a
number for a single value, a table otherwise. Chosen from the query's shape and the result's size, so the
same question always gets the same kind of chart."""

from __future__ import annotations

from gata.nl.schemas import ChartSpec
from gata.semantic.query import QueryResult, SemanticQuery

MAX_BARS = 50


def choose_chart(query: SemanticQuery, result: QueryResult, title: str) -> ChartSpec:
    names = [c.name for c in result.columns]
    formats = {c.name: c.format for c in result.columns}
    measures = [m for m in query.measures if m in names]
    time_col = names[0] if query.time_grain else None
    dims = [d for d in query.dimensions if d in names and d != time_col]
    first = measures[0] if measures else None
    fmt = formats.get(first) if first else None
    if time_col and not query.compare and len(dims) <= 1 and result.row_count > 1 and not query.order_by:
        return ChartSpec(kind="line", title=title, x=time_col, y=measures, series=dims[0] if dims else None, format=fmt)
    if not dims and not time_col and result.row_count == 1 and measures:
        shown = [first, *[n for n in names if n.startswith(f"{first}_") and query.compare]]
        return ChartSpec(kind="number", title=title, y=shown, format=fmt)
    categories = dims if dims else ([time_col] if time_col else [])
    if len(categories) == 1 and measures and 1 <= result.row_count <= MAX_BARS:
        return ChartSpec(kind="bar", title=title, x=categories[0], y=[first], format=fmt)
    return ChartSpec(kind="table", title=title, y=measures, format=fmt)
