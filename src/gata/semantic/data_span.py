"""The days a tenant's activity data covers: from the first day any fact table holds to the last.

Pages open on a period that fits the data (a tenant onboarded three days ago is not shown 27 empty days) and say
when a chosen period starts before the data does. Ad spend, orders and sessions are the facts every surface
reads; the dimension tables (campaigns, users) date things that are not activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis

from gata.semantic.store import TenantSnapshot

FACT_MODELS = ("ad_performance", "orders", "sessions")


@dataclass(frozen=True)
class DataSpan:
    first_day: date
    last_day: date


def data_span(snap: TenantSnapshot) -> DataSpan | None:
    """The first and last day of the snapshot's facts; None without star tables or without a single row."""
    if snap.layer is None:
        return None
    parts = []
    for name in FACT_MODELS:
        model = snap.layer.model(name)
        day = model.table[model.dimensions[model.definition.time_dimension].column].cast("date")
        parts.append(model.table.aggregate(first=day.min(), last=day.max()))
    sql = ibis.to_sql(
        ibis.union(*parts).aggregate(first=lambda t: t.first.min(), last=lambda t: t.last.max()), dialect="duckdb"
    )
    cur = snap.cursor()
    try:
        first, last = cur.execute(sql).fetchone()
    finally:
        cur.close()
    return DataSpan(first, last) if first is not None else None
