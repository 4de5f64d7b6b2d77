"""What the paid-ads renderers share: the ad rows of a day, restated conversions, id, time and number
formats, and the strict base model every record model derives from.

Each platform module only decides names, casing, nesting and units; the numbers come from here, so all
seven platforms agree with the simulation (and with each other) by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from gata.connectors.base import RenderContext
from gata.simulation.asof import reported, reported_value
from gata.simulation.day import AdDay, DaySim
from gata.simulation.money import fmt_cents
from gata.simulation.rng import rng_for
from gata.simulation.world import Ad, AdAccount, AdGroup, Campaign, entity_id

# Entity kinds the simulation does not model but some APIs have (world kinds 0-4 are taken).
CREATIVE_KIND = 5
CAMPAIGN_GROUP_KIND = 6

# --- record models -----------------------------------------------------------------------------------


class ApiRecord(BaseModel):
    """Strict: a record that is an int where the API sends a string (or has an unknown key) fails."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


DigitsStr = Annotated[str, StringConstraints(pattern=r"^\d+$")]  # ids and counts sent as strings
MoneyStr = Annotated[str, StringConstraints(pattern=r"^-?\d+\.\d{2}$")]  # "12.34"
DecimalStr = Annotated[str, StringConstraints(pattern=r"^-?\d+(\.\d+)?$")]  # ratios: "1.234568"
DateStr = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
MetaTimeStr = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$")]
SpaceTimeStr = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")]
NonNegInt = Annotated[int, Field(ge=0)]
NonNegFloat = Annotated[float, Field(ge=0)]


def keyed_model(name: str, fields: dict[str, Any]) -> type[ApiRecord]:
    """A strict model whose keys are spelled as the API spells them ("segments.date", "$x"): each key
    becomes a field with a Python-safe name and the key as its alias. Values are types or (type, default)."""
    spec: dict[str, Any] = {}
    for key, tp in fields.items():
        py = "f_" + "".join(ch if ch.isalnum() else "_" for ch in key)
        tp, default = tp if isinstance(tp, tuple) else (tp, ...)
        spec[py] = (tp, Field(default, alias=key))
    return create_model(name, __base__=ApiRecord, **spec)


# --- the day's rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdRow:
    """One ad's delivery on one day, as the platform reports it as of the pull day."""

    index: int  # position in account.ads (and in the AdDay arrays)
    ad: Ad
    ad_group: AdGroup
    campaign: Campaign
    spend_cents: int
    impressions: int
    clicks: int
    conversions: int  # restated: what the platform reports `lag` days after the day
    value_cents: int  # restated conversion value, account currency
    reach: int
    video_views: int


def ad_day(ctx: RenderContext, sim: DaySim) -> AdDay:
    account = ctx.account()
    return sim.ads[next(i for i, a in enumerate(ctx.world.ad_accounts) if a is account)]


def restated(ctx: RenderContext, sim: DaySim) -> tuple[np.ndarray, np.ndarray]:
    """Conversions and their value (cents) per ad, as reported on ctx.as_of."""
    a = ad_day(ctx, sim)
    lag = ctx.lag(sim.day)
    return reported(a.conversions_final, lag), reported_value(a.conversions_value_final_cents, a.conversions_final, lag)


def ad_rows(ctx: RenderContext, sim: DaySim) -> list[AdRow]:
    """The ads that delivered on the day, in account order. Ads without impressions get no row, as the
    APIs omit them (paused campaigns never appear); a row with spend but no impression is kept, so that
    rendered spend always adds up to the simulation's."""
    account = ctx.account()
    a = ad_day(ctx, sim)
    conversions, values = restated(ctx, sim)
    groups = {g.id: g for g in account.ad_groups}
    campaigns = {c.id: c for c in account.campaigns}
    rows = []
    for i, ad in enumerate(account.ads):
        if a.impressions[i] == 0 and a.spend_cents[i] == 0:
            continue
        rows.append(
            AdRow(
                index=i,
                ad=ad,
                ad_group=groups[ad.ad_group_id],
                campaign=campaigns[ad.campaign_id],
                spend_cents=int(a.spend_cents[i]),
                impressions=int(a.impressions[i]),
                clicks=int(a.clicks[i]),
                conversions=int(conversions[i]),
                value_cents=int(values[i]),
                reach=int(a.reach[i]),
                video_views=int(a.video_views[i]),
            )
        )
    return rows


def render_rng(ctx: RenderContext, obj: str, day: date) -> np.random.Generator:
    """The only source of extra randomness in rendering; independent of the as-of day, so a re-pull only
    changes what restatement changes. Draw arrays over all of account.ads, never over the kept rows."""
    w = ctx.world
    return rng_for(w.tenant.slug, w.tenant.seed, "render", ctx.connector, obj, day.isoformat())


def landed_clicks(ctx: RenderContext, sim: DaySim, rng: np.random.Generator) -> np.ndarray:
    """Clicks that reached the landing page, per ad (Meta landing_page_view, LinkedIn landingPageClicks)."""
    return rng.binomial(ad_day(ctx, sim).clicks, ctx.account().levers.landing_rate)


# --- entities ----------------------------------------------------------------------------------------


def budget_cents(campaign: Campaign) -> int:
    return int(round(float(campaign.daily_budget) * 100))


def split_cents(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole-cent shares that add up exactly (remainder to the first)."""
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def groups_of(account: AdAccount, campaign: Campaign) -> list[AdGroup]:
    return [g for g in account.ad_groups if g.campaign_id == campaign.id]


def updated_time(account: AdAccount, entity: Campaign | AdGroup | Ad) -> datetime:
    """Last change of an entity: when its newest ad was added (an ad: a review an hour after creation).
    Fixed per entity, so re-pulling entities never churns records that did not change."""
    if isinstance(entity, Ad):
        return entity.created_time + timedelta(hours=1)
    key = "campaign_id" if isinstance(entity, Campaign) else "ad_group_id"
    return max(a.created_time for a in account.ads if getattr(a, key) == entity.id) + timedelta(hours=1)


def creative_id(ctx: RenderContext, ad: Ad) -> str:
    return entity_id(ctx.world.namespace, ctx.connector, CREATIVE_KIND, ad.index)


def campaign_group_id(ctx: RenderContext) -> str:
    return entity_id(ctx.world.namespace, ctx.connector, CAMPAIGN_GROUP_KIND, 0)


def geo_of(campaign: Campaign) -> str:
    """The geo the campaign name carries ("FB | Prospecting | US | C01" -> "US")."""
    return campaign.name.split(" | ")[2]


# --- formats -----------------------------------------------------------------------------------------


def meta_time(ts: datetime) -> str:
    """'2024-03-01T10:04:05+0000' (Meta)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def space_time(ts: datetime) -> str:
    """'2024-03-01 10:04:05' (TikTok)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def epoch_ms(ts: datetime) -> int:
    return int(ts.timestamp()) * 1000 + ts.microsecond // 1000


def ratio(num: int, den: int, scale: int = 1, digits: int = 6) -> str:
    """num * scale / den as a fixed-point string, exact decimal rounding (zero when den is 0)."""
    q = Decimal(num * scale) / Decimal(den) if den else Decimal(0)
    return str(q.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


def cents_float(cents: int) -> float:
    """Cents as the JSON number the API sends (12.34); float(fmt_cents) is the closest double."""
    return float(fmt_cents(cents))


def ctr_pct(r: AdRow, digits: int = 6) -> str:
    return ratio(r.clicks, r.impressions, 100, digits)


def cpc(r: AdRow, digits: int = 6) -> str:
    return ratio(r.spend_cents, r.clicks * 100, 1, digits)


def cpm(r: AdRow, digits: int = 6) -> str:
    return ratio(r.spend_cents * 10, r.impressions, 1, digits)
