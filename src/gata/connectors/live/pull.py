"""Pull live sources into the same (connector, object, batch) stream the simulated pull yields, so staging,
landing, state and everything downstream are the same for both modes.

Onboarding reads the window's days; a sync reads the days since the last pull and re-reads the last
`restated_days` days before it (the catalog's look-back: conversions restated inside the attribution window),
plus every entity. A client that can ask its API for what changed (`changes`: Shopify's orders by
`updated_at`) is asked that instead of re-reading days. Landing merges on the natural id, so a re-read
record replaces the old one. Records are read in full before landing starts: a run that fails mid-pull lands
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pyarrow as pa

from gata.config.catalog import Catalog
from gata.config.tenants import SourceConfig, Tenant
from gata.connectors.arrow import as_arrow
from gata.connectors.live.credentials import Secrets, load_secrets
from gata.connectors.live.http import ApiClient, LiveContext, api_version
from gata.connectors.live.source import Account, LiveModule, live_module
from gata.ingest.natural_id import NATURAL_ID, add_natural_id


def open_source(
    tenant: Tenant | str, source: SourceConfig, catalog: Catalog, secrets: Secrets | None = None
) -> tuple[LiveModule, ApiClient]:
    """The source's client, with its stored credentials or those given (the web app's connect step)."""
    module = live_module(source.connector)
    slug = tenant if isinstance(tenant, str) else tenant.slug
    ctx = LiveContext(slug, source.connector, list(source.accounts), source.options, api_version(source, catalog))
    if secrets is None:
        secrets = load_secrets(slug, source.connector, module.SECRETS, getattr(module, "OPTIONAL_SECRETS", ()))
    return module, module.client(ctx, secrets)


def connect(
    tenant: Tenant | str, source: SourceConfig, catalog: Catalog, secrets: Secrets | None = None
) -> tuple[list[Account], list[str]]:
    """The accounts the source's credentials can read, and the configured accounts that are not among them."""
    module, api = open_source(tenant, source, catalog, secrets)
    readable = module.accounts(api)
    ids = {a.id for a in readable}
    return readable, [a for a in source.accounts if a not in ids]


def lookback_start(catalog: Catalog, connector: str, since: date, first_day: date) -> date:
    """The first day a sync re-reads: the oldest day any daily object may still restate (never before the
    tenant's first day)."""
    window = max((o.restated_days for o in catalog[connector].objects.values() if o.grain == "daily"), default=0)
    return max(first_day, since - timedelta(days=window - 1)) if window else since + timedelta(days=1)


def _source_batches(
    tenant: Tenant, source: SourceConfig, catalog: Catalog, first: date, last: date, first_day: date | None = None
) -> Iterator[tuple[str, str, pa.Table]]:
    """Entities, then the days [first, last]; a sync (`first_day` given: the tenant's window starts there) asks a
    client that has `changes` for the records of the window changed since `first` instead."""
    module, api = open_source(tenant, source, catalog)
    objects = catalog[source.connector].objects
    seen: dict[str, set[str]] = {}
    changes = getattr(module, "changes", None) if first_day is not None else None
    for account in source.accounts:
        streams = [module.entities(api, account)]
        if first <= last:
            streams.append(
                changes(api, account, first_day, first, last) if changes else module.daily(api, account, first, last)
            )
        for stream in streams:
            for obj, records in stream:
                if not len(records):
                    continue
                table = add_natural_id(as_arrow(records), objects[obj])
                # a record an API repeats across pages is landed once
                ids, known = table.column(NATURAL_ID).to_pylist(), seen.setdefault(obj, set())
                keep = [nid not in known and not known.add(nid) for nid in ids]
                yield source.connector, obj, table.filter(pa.array(keep, pa.bool_()))


def live_pull(
    tenant: Tenant, catalog: Catalog, days: list[date], sources: list[SourceConfig] | None = None
) -> Iterator[tuple[str, str, pa.Table]]:
    """The tenant's live sources (or those given) over the window's days, entities as they are now."""
    for source in tenant.live_sources() if sources is None else sources:
        yield from _source_batches(tenant, source, catalog, min(days), max(days))


def live_changes(
    tenant: Tenant, catalog: Catalog, since: date, through: date, first_day: date
) -> Iterator[tuple[str, str, pa.Table]]:
    """A sync of every live source from the pull as of `since` to now (`through`)."""
    for source in tenant.live_sources():
        first = lookback_start(catalog, source.connector, since, first_day)
        yield from _source_batches(tenant, source, catalog, first, through, first_day)
