"""What a connector is: a renderer of the tenant's simulated day into its API's record shapes.

Each connector module defines `RECORD_MODELS` (a Pydantic model per object, which every generated record
must pass), `entities(ctx)` for objects that describe things (campaigns, products: rendered once per
pull, as of the pull day) and `daily(ctx, sim)` for objects that describe a day (reports, orders, events).
A renderer returns, per object, a list of API-shaped dicts or, for high-volume objects, an Arrow table
whose nested columns are Arrow structs/lists (see `gata.connectors.arrow`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

import pyarrow as pa
from pydantic import BaseModel

from gata.simulation.asof import lag_days
from gata.simulation.day import DaySim
from gata.simulation.world import AdAccount, Shop, World

Batch = list[dict] | pa.Table


@dataclass(frozen=True)
class RenderContext:
    world: World
    connector: str
    as_of: date  # the day the data is pulled: late changes up to this day are visible
    until: datetime | None = None  # the pull's moment when it cuts the as-of day short: nothing later is shown

    def happened(self, moment: datetime | None) -> datetime | None:
        """`moment` if it is before the pull's moment, else None (not happened yet)."""
        return moment if moment is None or self.until is None or moment < self.until else None

    def account(self) -> AdAccount:
        return self.world.ad_account(self.connector)

    def shop_index(self) -> int:
        return next(i for i, s in enumerate(self.world.shops) if s.connector == self.connector)

    def shop(self) -> Shop:
        return self.world.shops[self.shop_index()]

    def tool_index(self) -> int:
        return next(i for i, t in enumerate(self.world.analytics) if t.connector == self.connector)

    def lag(self, day: date) -> int:
        return lag_days(day, self.as_of)

    @property
    def pulled_at(self) -> datetime:
        """When the pull happened: early on the day after the as-of day (UTC)."""
        return datetime(self.as_of.year, self.as_of.month, self.as_of.day, 23, 59, 59, tzinfo=UTC)


class ConnectorModule(Protocol):
    RECORD_MODELS: dict[str, type[BaseModel]]
    entities: Callable[[RenderContext], dict[str, Batch]]
    daily: Callable[[RenderContext, DaySim], dict[str, Batch]]


def from_us(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)
