"""The admin's overview of every tenant, one row each: status, last run, freshness, failing tests (from the
tenant's published health records) and spend and revenue for a period, asked of the tenant's governed semantic
layer like any other query (cached per data version; no SQL of its own).

Per tenant: two small reads of its snapshot's run and freshness records and two one-row semantic queries (their
compile dominates when a period is first asked; then both are cached until the tenant's data changes). A few
tenants at a time: compiles go to the server's compile workers, queries to DuckDB, both outside the GIL.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

from gata.observability.service import ObservabilityService, freshness_totals, hours_since
from gata.semantic.layer import UnknownModelError
from gata.semantic.query import DateRange, SemanticQuery
from gata.semantic.service import SemanticService
from gata.semantic.store import TenantNotServed

log = logging.getLogger(__name__)
AT_ONCE = 4  # tenants read at the same time: enough to keep the compile workers busy, few enough to leave room

OK, FAILING, NEVER_RUN, OFFBOARDED = "ok", "failing", "never run", "offboarded"
# (key in the row, semantic model, measure): the two figures of the period
FIGURES = (("spend", "ad_performance", "spend"), ("revenue", "orders", "revenue"))
RUN_FIELDS = ("run_id", "kind", "status", "started_at", "finished_at")


def status_of(registered: dict | None, last_run: dict | None) -> str:
    """ok, failing, never run or offboarded: the registry's tombstone first, then the outcome of the last run."""
    if registered and registered["status"] == OFFBOARDED:
        return OFFBOARDED
    if last_run is None:
        return NEVER_RUN
    return FAILING if last_run["status"] == "failed" or (registered or {}).get("status") == "failed" else OK


def _figure(svc: SemanticService, slug: str, model: str, measure: str, start: date, end: date):
    """(value, currency) of one measure over the period; (None, None) when the tenant has no such model."""
    query = SemanticQuery(model=model, measures=[measure], date_range=DateRange(start=start, end=end))
    try:
        result = svc.query(slug, query)
    except (UnknownModelError, TenantNotServed):  # no source of that kind, or health only (first build failed)
        return None, None
    return (result.rows[0][measure] if result.rows else None), result.columns[0].currency


def tenant_row(
    obs: ObservabilityService,
    svc: SemanticService,
    slug: str,
    registered: dict | None,
    start: date,
    end: date,
    now: datetime,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "slug": slug,
        "served": False,
        "message": (registered or {}).get("message"),
        "last_run": None,
        "failing_tests": None,
        "last_loaded_at": None,
        "data_through": None,
        "hours_since_load": None,
        "currency": None,
        **{key: None for key, _, _ in FIGURES},
        "error": None,
    }
    runs: list[dict[str, Any]] = []
    if not (registered and registered["status"] == OFFBOARDED):  # an offboarded tenant is served no more
        try:
            runs = obs.runs(slug, limit=1)
            row["served"] = True
        except TenantNotServed:
            pass
        except Exception as exc:  # one damaged tenant must not hide the others
            log.exception("overview of %s", slug)
            row["error"] = str(exc)
        if runs:
            last = runs[0]
            row["last_run"] = {k: last[k] for k in RUN_FIELDS}
            row["failing_tests"] = last["tests_failed"] + last["tests_errored"]
        if row["served"] and row["error"] is None:
            try:
                fresh = freshness_totals(obs.freshness(slug))
                row["last_loaded_at"], row["data_through"] = fresh["last_loaded_at"], fresh["data_through"]
                row["hours_since_load"] = hours_since(fresh["last_loaded_at"], now)
                for key, model, measure in FIGURES:
                    value, currency = _figure(svc, slug, model, measure, start, end)
                    row[key] = value
                    row["currency"] = row["currency"] or currency
            except Exception as exc:
                log.exception("overview of %s", slug)
                row["error"] = str(exc)
    row["status"] = status_of(registered, runs[0] if runs else None)
    return row


def overview(
    obs: ObservabilityService,
    svc: SemanticService,
    slugs: list[str],
    registry: dict[str, dict],
    start: date,
    end: date,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    with ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="overview") as pool:
        return list(pool.map(lambda slug: tenant_row(obs, svc, slug, registry.get(slug), start, end, now), slugs))
