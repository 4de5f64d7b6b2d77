"""A resource estimate of a tenant's generation levers, and the bounds onboarding must stay under.

Each lever is bounded on its own, but their product is what costs memory and time: 10M sessions a day for
365 days passed every single bound and took a worker to 11 GB in 50 s. So validation estimates the records a
tenant's levers make per day (sessions, page-view events, ad rows) and refuses a configuration above the
per-day bounds, and onboarding (CLI and wizard) refuses a history whose total is above the history bound,
naming the lever and the bound. The bounds are 25-50x the largest benchmarked tenant (5.2M events in 365 days).
"""

from __future__ import annotations

from dataclasses import dataclass

from gata.config.catalog import Domain
from gata.config.tenants import AnalyticsGeneration, PaidAdsGeneration, Tenant

MAX_SESSIONS_PER_DAY = 250_000
MAX_ADS_PER_ACCOUNT = 20_000
MAX_HISTORY_RECORDS = 100_000_000  # sessions + events + ad rows over all days of one onboarding


@dataclass(frozen=True)
class Estimate:
    sessions_per_day: float
    records_per_day: float  # sessions, their page-view events and one report row per ad
    sessions_by_lever: dict[str, float]  # config path -> sessions/day it makes


def _paid_sessions(g: PaidAdsGeneration) -> float:
    return g.daily_spend / g.cpm * 1000 * g.ctr * g.landing_rate


def estimate(tenant: Tenant) -> Estimate:
    by_lever: dict[str, float] = {}
    ads = 0
    pages = 1.0
    for s in tenant.enabled_sources():
        g = s.generation
        if isinstance(g, PaidAdsGeneration):
            by_lever[f"sources.{s.connector}.generation.daily_spend"] = _paid_sessions(g)
            ads += g.campaigns * g.ad_groups_per_campaign * g.ads_per_ad_group
        elif isinstance(g, AnalyticsGeneration):
            by_lever[f"sources.{s.connector}.generation.daily_sessions"] = float(g.daily_sessions)
            pages = max(pages, g.pages_per_session)
    sessions = sum(by_lever.values())
    return Estimate(sessions, sessions * (1 + pages) + ads, by_lever)


def daily_problems(tenant: Tenant) -> list[tuple[str, str]]:
    """(config path, message) for each per-day bound the levers exceed."""
    problems = []
    est = estimate(tenant)
    if est.sessions_per_day > MAX_SESSIONS_PER_DAY:
        path, biggest = max(est.sessions_by_lever.items(), key=lambda kv: kv[1])
        problems.append(
            (
                path,
                f"the generation levers make about {est.sessions_per_day:,.0f} sessions a day ({path}: "
                f"{biggest:,.0f}; paid sessions = daily_spend / cpm x 1000 x ctr x landing_rate); the bound is "
                f"{MAX_SESSIONS_PER_DAY:,} sessions a day: lower that lever",
            )
        )
    for s in tenant.sources_in(Domain.paid_ads):
        g = s.generation
        ads = g.campaigns * g.ad_groups_per_campaign * g.ads_per_ad_group  # type: ignore[union-attr]
        if ads > MAX_ADS_PER_ACCOUNT:
            problems.append(
                (
                    f"sources.{s.connector}.generation",
                    f"campaigns x ad_groups_per_campaign x ads_per_ad_group = {ads:,} ads; the bound is "
                    f"{MAX_ADS_PER_ACCOUNT:,} ads per account: lower one of them",
                )
            )
    return problems


def history_problem(tenant: Tenant, days: int) -> str | None:
    """Why `days` of history is too much for these levers, or None."""
    per_day = estimate(tenant).records_per_day
    total = per_day * days
    if total <= MAX_HISTORY_RECORDS:
        return None
    most = int(MAX_HISTORY_RECORDS // max(per_day, 1))
    return (
        f"{days} days x about {per_day:,.0f} records a day (sessions, events, ad rows) = {total:,.0f} records; "
        f"the bound is {MAX_HISTORY_RECORDS:,}: lower the days of history (at most {most} for these levers) "
        "or the generation levers (daily_sessions, daily_spend)"
    )
