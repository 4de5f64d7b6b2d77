"""Meta Marketing API v19.0, for both facebook_ads and instagram_ads (one API, one record shape).

Meta sends ids and every insights number as strings, money in the account currency ("12.34") but
budgets in minor units ("5000"), and conversions as `actions` / `action_values` arrays keyed by action
type. The two accounts are told apart by `publisher_platform` and never share ids (platform codes).
"""

from __future__ import annotations

from typing import Literal

from gata.config.tenants import META_DEFAULT_ACTION_TYPES
from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    ApiRecord,
    DateStr,
    DecimalStr,
    DigitsStr,
    MetaTimeStr,
    MoneyStr,
    ad_day,
    ad_rows,
    budget_cents,
    cpc,
    cpm,
    creative_id,
    ctr_pct,
    geo_of,
    groups_of,
    landed_clicks,
    meta_time,
    ratio,
    render_rng,
    split_cents,
    updated_time,
)
from gata.simulation.day import DaySim
from gata.simulation.money import fmt_cents

PURCHASE_OFFSITE, PURCHASE_ONSITE = META_DEFAULT_ACTION_TYPES
# Actions Meta reports besides purchases; none of them is a conversion by default.
LINK_CLICK, LANDING_PAGE_VIEW, VIDEO_VIEW = "link_click", "landing_page_view", "video_view"
ADD_TO_CART, LEAD = "offsite_conversion.fb_pixel_add_to_cart", "offsite_conversion.fb_pixel_lead"
PUBLISHER_PLATFORM = {"facebook_ads": "facebook", "instagram_ads": "instagram"}
# Campaign geos that are regions, not countries, target their main countries.
GEO_COUNTRIES = {"UK": ["GB"], "EU": ["DE", "FR", "NL", "ES", "IT"], "NA": ["US", "CA"]}
ONSITE_SHARE = (0.05, 0.20)  # share of purchases Meta attributes to its own shops, per ad

Status = Literal["ACTIVE", "PAUSED"]


# --- record models -----------------------------------------------------------------------------------


class Campaign(ApiRecord):
    id: DigitsStr
    account_id: DigitsStr
    name: str
    objective: Literal["OUTCOME_SALES"]
    status: Status
    effective_status: Status
    configured_status: Status
    buying_type: Literal["AUCTION"]
    bid_strategy: Literal["LOWEST_COST_WITHOUT_CAP"]
    daily_budget: DigitsStr
    special_ad_categories: list[str]
    created_time: MetaTimeStr
    updated_time: MetaTimeStr
    start_time: MetaTimeStr


class GeoLocations(ApiRecord):
    countries: list[str]


class Targeting(ApiRecord):
    age_min: int
    age_max: int
    geo_locations: GeoLocations
    publisher_platforms: list[str]


class AdSet(ApiRecord):
    id: DigitsStr
    account_id: DigitsStr
    campaign_id: DigitsStr
    name: str
    status: Status
    effective_status: Status
    daily_budget: DigitsStr
    billing_event: Literal["IMPRESSIONS"]
    optimization_goal: Literal["OFFSITE_CONVERSIONS"]
    destination_type: Literal["WEBSITE"]
    targeting: Targeting
    created_time: MetaTimeStr
    updated_time: MetaTimeStr
    start_time: MetaTimeStr


class LinkData(ApiRecord):
    link: str
    message: str


class ObjectStorySpec(ApiRecord):
    page_id: DigitsStr
    link_data: LinkData


class Creative(ApiRecord):
    id: DigitsStr
    name: str
    url_tags: str
    object_story_spec: ObjectStorySpec


class Ad(ApiRecord):
    id: DigitsStr
    account_id: DigitsStr
    adset_id: DigitsStr
    campaign_id: DigitsStr
    name: str
    status: Status
    effective_status: Status
    creative: Creative
    created_time: MetaTimeStr
    updated_time: MetaTimeStr


class ActionStat(ApiRecord):
    action_type: str
    value: DecimalStr


class Insight(ApiRecord):
    account_id: DigitsStr
    account_name: str
    account_currency: str
    campaign_id: DigitsStr
    campaign_name: str
    adset_id: DigitsStr
    adset_name: str
    ad_id: DigitsStr
    ad_name: str
    objective: Literal["OUTCOME_SALES"]
    date_start: DateStr
    date_stop: DateStr
    publisher_platform: Literal["facebook", "instagram"]
    impressions: DigitsStr
    reach: DigitsStr
    frequency: DecimalStr
    clicks: DigitsStr
    spend: MoneyStr
    cpc: DecimalStr | None = None  # Meta leaves cost per click out when there was no click
    cpm: DecimalStr
    ctr: DecimalStr
    actions: list[ActionStat] | None = None  # and the arrays out when nothing happened
    action_values: list[ActionStat] | None = None


RECORD_MODELS = {"campaigns": Campaign, "ad_sets": AdSet, "ads": Ad, "facebook_insights": Insight}


# --- rendering ---------------------------------------------------------------------------------------


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    platform = PUBLISHER_PLATFORM[ctx.connector]
    campaigns, ad_sets, ads = [], [], []
    for c in account.campaigns:
        campaigns.append(
            {
                "id": c.id,
                "account_id": account.account_id,
                "name": c.name,
                "objective": "OUTCOME_SALES",
                "status": c.status,
                "effective_status": c.status,
                "configured_status": c.status,
                "buying_type": "AUCTION",
                "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
                "daily_budget": str(budget_cents(c)),
                "special_ad_categories": [],
                "created_time": meta_time(c.created_time),
                "updated_time": meta_time(updated_time(account, c)),
                "start_time": meta_time(c.created_time),
            }
        )
        groups = groups_of(account, c)
        geo = geo_of(c)
        for g, budget in zip(groups, split_cents(budget_cents(c), len(groups)), strict=True):
            ad_sets.append(
                {
                    "id": g.id,
                    "account_id": account.account_id,
                    "campaign_id": c.id,
                    "name": g.name,
                    "status": g.status,
                    "effective_status": g.status,
                    "daily_budget": str(budget),
                    "billing_event": "IMPRESSIONS",
                    "optimization_goal": "OFFSITE_CONVERSIONS",
                    "destination_type": "WEBSITE",
                    "targeting": {
                        "age_min": 18,
                        "age_max": 65,
                        "geo_locations": {"countries": GEO_COUNTRIES.get(geo, [geo])},
                        "publisher_platforms": [platform],
                    },
                    "created_time": meta_time(g.created_time),
                    "updated_time": meta_time(updated_time(account, g)),
                    "start_time": meta_time(g.created_time),
                }
            )
    for ad in account.ads:
        ads.append(
            {
                "id": ad.id,
                "account_id": account.account_id,
                "adset_id": ad.ad_group_id,
                "campaign_id": ad.campaign_id,
                "name": ad.name,
                "status": ad.status,
                "effective_status": ad.status,
                "creative": {
                    "id": creative_id(ctx, ad),
                    "name": f"{ad.name} creative",
                    "url_tags": ad.final_url.split("?", 1)[1] if "?" in ad.final_url else "",
                    "object_story_spec": {
                        "page_id": account.account_id,
                        "link_data": {"link": ad.final_url, "message": ad.name},
                    },
                },
                "created_time": meta_time(ad.created_time),
                "updated_time": meta_time(updated_time(account, ad)),
            }
        )
    return {"campaigns": campaigns, "ad_sets": ad_sets, "ads": ads}


def _actions(pairs: list[tuple[str, str, int]]) -> list[dict] | None:
    """Meta leaves zero-valued actions out, and the array itself when nothing is left."""
    out = [{"action_type": t, "value": text} for t, text, n in pairs if n > 0]
    return out or None


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    n = len(account.ads)
    rng = render_rng(ctx, "facebook_insights", sim.day)
    onsite_share = rng.uniform(*ONSITE_SHARE, n)
    landed = landed_clicks(ctx, sim, rng)
    carts = rng.binomial(landed, 0.10)
    leads = rng.binomial(landed, 0.02)
    day = sim.day.isoformat()
    reach_sim = ad_day(ctx, sim).reach
    rows = []
    for r in ad_rows(ctx, sim):
        i = r.index
        # the restated purchases, split so the two default action types add up to them exactly
        onsite = int(r.conversions * onsite_share[i])
        onsite_value = int(r.value_cents * onsite_share[i])
        offsite, offsite_value = r.conversions - onsite, r.value_cents - onsite_value
        # Meta never reports fewer people reached than one, nor more than impressions
        reach = min(max(int(reach_sim[i]), 1), max(r.impressions, 1))
        row = {
            "account_id": account.account_id,
            "account_name": account.account_name,
            "account_currency": account.currency,
            "campaign_id": r.campaign.id,
            "campaign_name": r.campaign.name,
            "adset_id": r.ad_group.id,
            "adset_name": r.ad_group.name,
            "ad_id": r.ad.id,
            "ad_name": r.ad.name,
            "objective": "OUTCOME_SALES",
            "date_start": day,
            "date_stop": day,
            "publisher_platform": PUBLISHER_PLATFORM[ctx.connector],
            "impressions": str(r.impressions),
            "reach": str(reach),
            "frequency": ratio(r.impressions, reach),
            "clicks": str(r.clicks),
            "spend": fmt_cents(r.spend_cents),
            "cpm": cpm(r),
            "ctr": ctr_pct(r),
        }
        if r.clicks:
            row["cpc"] = cpc(r)
        actions = _actions(
            [
                (LINK_CLICK, str(r.clicks), r.clicks),
                (LANDING_PAGE_VIEW, str(landed[i]), int(landed[i])),
                (VIDEO_VIEW, str(r.video_views), r.video_views),
                (ADD_TO_CART, str(carts[i] + offsite), int(carts[i]) + offsite),
                (LEAD, str(leads[i]), int(leads[i])),
                (PURCHASE_OFFSITE, str(offsite), offsite),
                (PURCHASE_ONSITE, str(onsite), onsite),
            ]
        )
        values = _actions(
            [
                (PURCHASE_OFFSITE, fmt_cents(offsite_value), offsite_value),
                (PURCHASE_ONSITE, fmt_cents(onsite_value), onsite_value),
            ]
        )
        if actions:
            row["actions"] = actions
        if values:
            row["action_values"] = values
        rows.append(row)
    return {"facebook_insights": rows}
