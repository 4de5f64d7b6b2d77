"""What a daily sync reads: the days since the last pull in full, and what changed in the days before.
(Live sources read their own look-back window: gata.connectors.live.pull.)

APIs restate recent days (conversions inside the attribution window, an order's status and refunds), so
a sync re-reads each daily object's last `restated_days` days and the entity objects, and keeps only the
records that differ from what the previous pull saw (like an API's `updated_since` filter). Unchanged
records are not landed again: their lineage stays with the load that brought them, and a sync with
nothing new lands nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pyarrow as pa

from gata.config.catalog import Catalog, ConnectorObject
from gata.config.tenants import Tenant
from gata.connectors.arrow import as_arrow
from gata.connectors.base import Batch, RenderContext
from gata.connectors.live.pull import live_changes
from gata.connectors.pull import pull
from gata.connectors.registry import connector_module
from gata.ingest.natural_id import NATURAL_ID, add_natural_id
from gata.simulation.cutoff import cut_day, day_end, is_partial, seen_short, simulate_until
from gata.simulation.world import build_world


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _digests(table: pa.Table) -> dict[str, str]:
    ids = table.column(NATURAL_ID).to_pylist()
    rows = table.drop_columns([NATURAL_ID]).to_pylist()
    return {nid: json.dumps(row, sort_keys=True, default=str) for nid, row in zip(ids, rows, strict=True)}


def changed_records(before: Batch, after: Batch, obj: ConnectorObject) -> pa.Table:
    """The records of `after` that are new or differ from `before`, with their natural ids."""
    now = as_arrow(after)
    if now.num_rows == 0:
        return now
    now = add_natural_id(now, obj)
    then = as_arrow(before)
    if then.num_rows == 0:
        return now
    seen = _digests(add_natural_id(then, obj))
    current = _digests(now)
    keep = [seen.get(nid) != digest for nid, digest in current.items()]
    return now.filter(pa.array(keep, pa.bool_()))


def pull_changes(
    tenant: Tenant,
    catalog: Catalog,
    since: date,
    through: date,
    first_day: date,
    on_day: Callable[[date], None] | None = None,
    until: datetime | None = None,
    since_until: datetime | None = None,
) -> Iterator[tuple[str, str, Batch]]:
    """(connector, object, batch) for a sync from the pull as of `since` to the pull as of `through`.
    `since_until` is where the previous pull stopped when it cut the `since` day short (None: at the day's end).
    A day that pull saw short (the `since` day it cut, or a day whose late sessions ran past its moment) is read
    again in full (every object, not only the restated ones), diffed against what that pull saw; `until` is
    this pull's moment."""
    world = build_world(tenant)
    connectors = [s.connector for s in tenant.simulated_sources()]
    before_cut = since_until if is_partial(since, since_until) else None
    after_cut = until if is_partial(through, until) else None
    before = {c: RenderContext(world, c, since, before_cut) for c in connectors}
    after = {c: RenderContext(world, c, through, after_cut) for c in connectors}
    for c in connectors:
        module, objects = connector_module(c), catalog[c].objects
        old = module.entities(before[c])
        for obj, batch in module.entities(after[c]).items():
            yield c, obj, changed_records(old.get(obj, []), batch, objects[obj])
    # restated days: only the objects that can still change on a day that old; and every object of a day the
    # previous pull saw short: the `since` day it cut, or the day before, whose late sessions ran past its moment
    # (a pull of a whole `since` day stopped at its midnight: the late sessions of that day ran on after it)
    horizon = since_until if since_until is not None else day_end(since)
    window = max([2, *(o.restated_days for c in connectors for o in catalog[c].objects.values())])
    for day in days_between(max(first_day, since - timedelta(days=window - 1)), since) if connectors else []:
        sim = None
        partial_before = False
        if day >= since - timedelta(days=1):
            sim = simulate_until(world, day, until)
            partial_before = seen_short(sim, horizon)  # what it saw short this pull sees in full, or further
        for c in connectors:
            objects = catalog[c].objects
            restated = [o for o, spec in objects.items() if spec.restated_days > (since - day).days]
            if partial_before:
                restated = list(objects.keys())
            if not restated:
                continue
            sim = sim or simulate_until(world, day, until)
            seen = cut_day(world, sim, horizon) if partial_before else sim
            module = connector_module(c)
            old, new = module.daily(before[c], seen), module.daily(after[c], sim)
            for obj in restated:
                yield c, obj, changed_records(old.get(obj, []), new.get(obj, []), objects[obj])
    # new days: everything, as of `through`
    new_days = days_between(since + timedelta(days=1), through)
    if new_days:
        yield from pull(
            tenant,
            new_days,
            as_of=through,
            connectors=connectors,
            world=world,
            on_day=on_day,
            entities=False,
            until=until,
        )
    # live sources: their APIs re-read the look-back window and the new days themselves
    yield from live_changes(tenant, catalog, since, through, first_day)
