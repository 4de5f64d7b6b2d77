"""TikTok Business API v1.3: campaigns, ad groups and ads (ids as strings, times "YYYY-MM-DD HH:MM:SS"),
and the integrated BASIC report at ad x day.

Report rows nest `dimensions` and `metrics` as the API does, every metric a string; the extractor adds
the top-level `ad_id` and `stat_time_day` that key them. Purchases are TikTok's complete_payment events.
"""

from __future__ import annotations

from typing import Literal

from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    ApiRecord,
    DecimalStr,
    DigitsStr,
    MoneyStr,
    SpaceTimeStr,
    ad_rows,
    budget_cents,
    cents_float,
    cpc,
    cpm,
    ctr_pct,
    groups_of,
    space_time,
    split_cents,
    updated_time,
)
from gata.simulation.day import DaySim
from gata.simulation.money import fmt_cents

STATUS = {"ACTIVE": "ENABLE", "PAUSED": "DISABLE"}
Status = Literal["ENABLE", "DISABLE"]


class Campaign(ApiRecord):
    campaign_id: DigitsStr
    campaign_name: str
    advertiser_id: DigitsStr
    objective_type: Literal["WEB_CONVERSIONS"]
    operation_status: Status
    secondary_status: Literal["CAMPAIGN_STATUS_ENABLE", "CAMPAIGN_STATUS_DISABLE"]
    budget: float
    budget_mode: Literal["BUDGET_MODE_DAY"]
    create_time: SpaceTimeStr
    modify_time: SpaceTimeStr


class AdGroup(ApiRecord):
    adgroup_id: DigitsStr
    adgroup_name: str
    campaign_id: DigitsStr
    advertiser_id: DigitsStr
    placement_type: Literal["PLACEMENT_TYPE_NORMAL"]
    placements: list[str]
    operation_status: Status
    budget: float
    budget_mode: Literal["BUDGET_MODE_DAY"]
    optimization_goal: Literal["CONVERT"]
    billing_event: Literal["OCPM"]
    create_time: SpaceTimeStr
    modify_time: SpaceTimeStr


class Ad(ApiRecord):
    ad_id: DigitsStr
    ad_name: str
    adgroup_id: DigitsStr
    campaign_id: DigitsStr
    advertiser_id: DigitsStr
    landing_page_url: str
    call_to_action: Literal["SHOP_NOW"]
    operation_status: Status
    create_time: SpaceTimeStr
    modify_time: SpaceTimeStr


class Dimensions(ApiRecord):
    ad_id: DigitsStr
    stat_time_day: SpaceTimeStr


class Metrics(ApiRecord):
    campaign_id: DigitsStr
    campaign_name: str
    adgroup_id: DigitsStr
    adgroup_name: str
    ad_name: str
    currency: str
    spend: MoneyStr
    impressions: DigitsStr
    clicks: DigitsStr
    ctr: DecimalStr
    cpc: DecimalStr
    cpm: DecimalStr
    conversion: DigitsStr
    complete_payment: DigitsStr
    total_complete_payment_rate: MoneyStr  # despite its name: the value of complete payments
    total_purchase_value: MoneyStr


class ReportRow(ApiRecord):
    ad_id: DigitsStr
    stat_time_day: SpaceTimeStr
    dimensions: Dimensions
    metrics: Metrics


RECORD_MODELS = {"campaigns": Campaign, "ad_groups": AdGroup, "ads": Ad, "ads_reports_daily": ReportRow}


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    adv = account.account_id
    campaigns, ad_groups = [], []
    for c in account.campaigns:
        campaigns.append(
            {
                "campaign_id": c.id,
                "campaign_name": c.name,
                "advertiser_id": adv,
                "objective_type": "WEB_CONVERSIONS",
                "operation_status": STATUS[c.status],
                "secondary_status": f"CAMPAIGN_STATUS_{STATUS[c.status]}",
                "budget": cents_float(budget_cents(c)),
                "budget_mode": "BUDGET_MODE_DAY",
                "create_time": space_time(c.created_time),
                "modify_time": space_time(updated_time(account, c)),
            }
        )
        groups = groups_of(account, c)
        for g, budget in zip(groups, split_cents(budget_cents(c), len(groups)), strict=True):
            ad_groups.append(
                {
                    "adgroup_id": g.id,
                    "adgroup_name": g.name,
                    "campaign_id": c.id,
                    "advertiser_id": adv,
                    "placement_type": "PLACEMENT_TYPE_NORMAL",
                    "placements": ["PLACEMENT_TIKTOK"],
                    "operation_status": STATUS[g.status],
                    "budget": cents_float(budget),
                    "budget_mode": "BUDGET_MODE_DAY",
                    "optimization_goal": "CONVERT",
                    "billing_event": "OCPM",
                    "create_time": space_time(g.created_time),
                    "modify_time": space_time(updated_time(account, g)),
                }
            )
    ads = [
        {
            "ad_id": ad.id,
            "ad_name": ad.name,
            "adgroup_id": ad.ad_group_id,
            "campaign_id": ad.campaign_id,
            "advertiser_id": adv,
            "landing_page_url": ad.final_url,
            "call_to_action": "SHOP_NOW",
            "operation_status": STATUS[ad.status],
            "create_time": space_time(ad.created_time),
            "modify_time": space_time(updated_time(account, ad)),
        }
        for ad in account.ads
    ]
    return {"campaigns": campaigns, "ad_groups": ad_groups, "ads": ads}


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    stat_day = f"{sim.day.isoformat()} 00:00:00"
    rows = [
        {
            "ad_id": r.ad.id,
            "stat_time_day": stat_day,
            "dimensions": {"ad_id": r.ad.id, "stat_time_day": stat_day},
            "metrics": {
                "campaign_id": r.campaign.id,
                "campaign_name": r.campaign.name,
                "adgroup_id": r.ad_group.id,
                "adgroup_name": r.ad_group.name,
                "ad_name": r.ad.name,
                "currency": account.currency,
                "spend": fmt_cents(r.spend_cents),
                "impressions": str(r.impressions),
                "clicks": str(r.clicks),
                "ctr": ctr_pct(r, 2),
                "cpc": cpc(r, 2),
                "cpm": cpm(r, 2),
                "conversion": str(r.conversions),
                "complete_payment": str(r.conversions),
                "total_complete_payment_rate": fmt_cents(r.value_cents),
                "total_purchase_value": fmt_cents(r.value_cents),
            },
        }
        for r in ad_rows(ctx, sim)
    ]
    return {"ads_reports_daily": rows}
