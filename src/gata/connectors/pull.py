"""Pull a tenant's sources for a window of days: the simulated equivalent of calling their APIs.

Each day is simulated once and rendered by every connector asked for, so one pass feeds all sources.
Data for a day depends only on (config, seed, day, as-of day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from gata.config.tenants import Tenant
from gata.connectors.base import Batch, RenderContext
from gata.connectors.registry import connector_module
from gata.simulation.cutoff import is_partial, simulate_until
from gata.simulation.world import World, build_world


def window(end_date: date, days: int) -> list[date]:
    if days < 1:
        raise ValueError(f"days must be at least 1 (got {days})")
    return [end_date - timedelta(days=days - 1 - i) for i in range(days)]


def pull(
    tenant: Tenant,
    days: list[date],
    as_of: date | None = None,
    connectors: list[str] | None = None,
    world: World | None = None,
    on_day: Callable[[date], None] | None = None,
    entities: bool = True,
    until: datetime | None = None,
) -> Iterator[tuple[str, str, Batch]]:
    """Yield (connector, object, batch): entity objects first (unless `entities` is off: a sync diffs them
    itself), then each day's daily objects. `until` is the pull's moment: nothing later is returned (a day it
    falls in is partial, see gata.simulation.cutoff); None reads every day whole."""
    world = world or build_world(tenant)
    as_of = as_of or max(days)
    wanted = connectors if connectors is not None else [s.connector for s in tenant.enabled_sources()]
    cut = until if is_partial(as_of, until) else None
    contexts = [(c, connector_module(c), RenderContext(world, c, as_of, cut)) for c in wanted]
    for c, module, ctx in contexts if entities else []:
        for obj, batch in module.entities(ctx).items():
            yield c, obj, batch
    for day in days if contexts else []:
        sim = simulate_until(world, day, until)
        for c, module, ctx in contexts:
            for obj, batch in module.daily(ctx, sim).items():
                yield c, obj, batch
        if on_day:
            on_day(day)
