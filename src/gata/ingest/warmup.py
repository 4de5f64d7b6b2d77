"""Attribution warm-up: the look-back days onboarding lands before the first reported day.

First-click and last-non-direct attribution credit a session to an earlier one within the look-back (30 days
by default). Over a window that starts with the data, the first days have no history to look back on: the
share credited to an earlier touch climbs week by week, and week-over-week channel trends are an artifact.
Onboarding therefore lands each analytics tool's look-back before the first reported day. Those days feed
attribution and identity; the star tables report from the first reported day (the sources' `first_day`
state, passed to dbt as `gata_reported_from` by gata.ingest.sync_state.reported_from), so they are never
shown as days of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from gata.config.tenants import AnalyticsLogic, Domain, Tenant
from gata.connectors.base import Batch
from gata.connectors.pull import pull

# attribution models that read earlier sessions (last_click reads only the session itself)
LOOKBACK_MODELS = ("first_click", "last_non_direct")


def warmup_days(tenant: Tenant, first_day: date) -> dict[str, list[date]]:
    """Per simulated analytics tool whose attribution looks back: the look-back days before `first_day`."""
    out: dict[str, list[date]] = {}
    for source in tenant.sources_in(Domain.analytics):
        logic = source.logic
        if source.live or not isinstance(logic, AnalyticsLogic) or logic.attribution_model not in LOOKBACK_MODELS:
            continue
        n = logic.attribution_lookback_days
        out[source.connector] = [first_day - timedelta(days=n - i) for i in range(n)]
    return out


def warmup_batches(tenant: Tenant, first_day: date, as_of: date) -> Iterator[tuple[str, str, Batch]]:
    """The warm-up days' daily records of each tool that needs them (its entities come with the window)."""
    for connector, days in warmup_days(tenant, first_day).items():
        yield from pull(tenant, days, as_of=as_of, connectors=[connector], entities=False)
