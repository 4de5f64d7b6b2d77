"""Google Ads API v16: GAQL rows flattened to dotted snake_case keys ("campaign.id", "segments.date"),
as extract tools (Airbyte, Fivetran) land them.

Ids are int64 numbers, money is in micros of the account currency (cost_micros is exact: cents x 10^4),
and conversions are floats because Google attributes fractions (here whole numbers, restated).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    DateStr,
    NonNegFloat,
    NonNegInt,
    ad_rows,
    budget_cents,
    cents_float,
    keyed_model,
)
from gata.simulation.day import DaySim

MICROS_PER_CENT = 10_000
STATUS = {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}
Status = Literal["ENABLED", "PAUSED"]
ResourceName = Annotated[str, StringConstraints(pattern=r"^customers/\d+(/[A-Za-z]+/\d+(~\d+)?)?$")]

Customer = keyed_model(
    "Customer",
    {
        "customer.id": int,
        "customer.resource_name": ResourceName,
        "customer.descriptive_name": str,
        "customer.currency_code": str,
        "customer.time_zone": str,
        "customer.auto_tagging_enabled": bool,
        "customer.manager": bool,
    },
)
Campaign = keyed_model(
    "Campaign",
    {
        "customer.id": int,
        "campaign.id": int,
        "campaign.resource_name": ResourceName,
        "campaign.name": str,
        "campaign.status": Status,
        "campaign.advertising_channel_type": Literal["SEARCH", "SHOPPING", "PERFORMANCE_MAX"],
        "campaign.bidding_strategy_type": Literal["MAXIMIZE_CONVERSION_VALUE"],
        "campaign.start_date": DateStr,
        "campaign.end_date": DateStr,
        "campaign_budget.amount_micros": NonNegInt,
        "campaign_budget.resource_name": ResourceName,
    },
)
AdGroup = keyed_model(
    "AdGroup",
    {
        "customer.id": int,
        "campaign.id": int,
        "ad_group.id": int,
        "ad_group.resource_name": ResourceName,
        "ad_group.name": str,
        "ad_group.status": Status,
        "ad_group.type": Literal["SEARCH_STANDARD"],
        "ad_group.cpc_bid_micros": NonNegInt,
    },
)
Ad = keyed_model(
    "Ad",
    {
        "customer.id": int,
        "campaign.id": int,
        "ad_group.id": int,
        "ad_group_ad.resource_name": ResourceName,
        "ad_group_ad.ad.id": int,
        "ad_group_ad.ad.name": str,
        "ad_group_ad.ad.type": Literal["RESPONSIVE_SEARCH_AD"],
        "ad_group_ad.ad.final_urls": list[str],
        "ad_group_ad.status": Status,
        "ad_group_ad.policy_summary.approval_status": Literal["APPROVED"],
    },
)
AdPerformance = keyed_model(
    "AdPerformance",
    {
        "segments.date": DateStr,
        "customer.id": int,
        "customer.descriptive_name": str,
        "customer.currency_code": str,
        "campaign.id": int,
        "campaign.name": str,
        "ad_group.id": int,
        "ad_group.name": str,
        "ad_group_ad.ad.id": int,
        "metrics.cost_micros": NonNegInt,
        "metrics.impressions": NonNegInt,
        "metrics.clicks": NonNegInt,
        "metrics.ctr": NonNegFloat,
        "metrics.average_cpc": NonNegFloat,
        "metrics.conversions": NonNegFloat,
        "metrics.conversions_value": NonNegFloat,
    },
)

RECORD_MODELS = {
    "customers": Customer,
    "campaigns": Campaign,
    "ad_groups": AdGroup,
    "ads": Ad,
    "ad_performance": AdPerformance,
}


def _customer_path(ctx: RenderContext) -> str:
    return f"customers/{ctx.account().account_id}"


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    cust, path = int(account.account_id), _customer_path(ctx)
    customers = [
        {
            "customer.id": cust,
            "customer.resource_name": path,
            "customer.descriptive_name": account.account_name,
            "customer.currency_code": account.currency,
            "customer.time_zone": "Etc/UTC",
            "customer.auto_tagging_enabled": True,
            "customer.manager": False,
        }
    ]
    campaigns = [
        {
            "customer.id": cust,
            "campaign.id": int(c.id),
            "campaign.resource_name": f"{path}/campaigns/{c.id}",
            "campaign.name": c.name,
            "campaign.status": STATUS[c.status],
            "campaign.advertising_channel_type": c.channel_type,
            "campaign.bidding_strategy_type": "MAXIMIZE_CONVERSION_VALUE",
            "campaign.start_date": c.created_time.date().isoformat(),
            "campaign.end_date": "2037-12-30",  # Google's "no end date"
            "campaign_budget.amount_micros": budget_cents(c) * MICROS_PER_CENT,
            "campaign_budget.resource_name": f"{path}/campaignBudgets/{c.id}",
        }
        for c in account.campaigns
    ]
    ad_groups = [
        {
            "customer.id": cust,
            "campaign.id": int(g.campaign_id),
            "ad_group.id": int(g.id),
            "ad_group.resource_name": f"{path}/adGroups/{g.id}",
            "ad_group.name": g.name,
            "ad_group.status": STATUS[g.status],
            "ad_group.type": "SEARCH_STANDARD",
            "ad_group.cpc_bid_micros": 1_500_000,
        }
        for g in account.ad_groups
    ]
    ads = [
        {
            "customer.id": cust,
            "campaign.id": int(ad.campaign_id),
            "ad_group.id": int(ad.ad_group_id),
            "ad_group_ad.resource_name": f"{path}/adGroupAds/{ad.ad_group_id}~{ad.id}",
            "ad_group_ad.ad.id": int(ad.id),
            "ad_group_ad.ad.name": ad.name,
            "ad_group_ad.ad.type": "RESPONSIVE_SEARCH_AD",
            "ad_group_ad.ad.final_urls": [ad.final_url],
            "ad_group_ad.status": STATUS[ad.status],
            "ad_group_ad.policy_summary.approval_status": "APPROVED",
        }
        for ad in account.ads
    ]
    return {"customers": customers, "campaigns": campaigns, "ad_groups": ad_groups, "ads": ads}


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    day = sim.day.isoformat()
    rows = [
        {
            "segments.date": day,
            "customer.id": int(account.account_id),
            "customer.descriptive_name": account.account_name,
            "customer.currency_code": account.currency,
            "campaign.id": int(r.campaign.id),
            "campaign.name": r.campaign.name,
            "ad_group.id": int(r.ad_group.id),
            "ad_group.name": r.ad_group.name,
            "ad_group_ad.ad.id": int(r.ad.id),
            "metrics.cost_micros": r.spend_cents * MICROS_PER_CENT,
            "metrics.impressions": r.impressions,
            "metrics.clicks": r.clicks,
            # ctr a fraction, average_cpc in micros, as the API returns them
            "metrics.ctr": r.clicks / r.impressions if r.impressions else 0.0,
            "metrics.average_cpc": r.spend_cents * MICROS_PER_CENT / r.clicks if r.clicks else 0.0,
            "metrics.conversions": float(r.conversions),
            "metrics.conversions_value": cents_float(r.value_cents),
        }
        for r in ad_rows(ctx, sim)
    ]
    return {"ad_performance": rows}
