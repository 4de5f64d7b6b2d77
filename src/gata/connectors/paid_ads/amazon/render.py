"""Amazon Ads Sponsored Products v3: campaigns, ad groups, product ads and the spAdvertisedProduct report.

Ids: the v3 management API sends ids as strings while the v3 report JSON sends them as numbers; we keep
them strings in every object (entities and report rows alike), so they join without casts and never
lose digits in JSON readers. Money is a JSON number in the campaign's budget currency.

Shoppers buy on the Amazon listing, so the simulation's conversions are Amazon's own truth: a purchase is
one unit of the advertised product (its first variant's price), reported within 7 days of the click.
"""

from __future__ import annotations

from typing import Literal

from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    ApiRecord,
    DateStr,
    DigitsStr,
    NonNegFloat,
    NonNegInt,
    ad_rows,
    budget_cents,
    cents_float,
)
from gata.simulation.day import DaySim
from gata.simulation.world import Ad, World

STATE = {"ACTIVE": "ENABLED", "PAUSED": "PAUSED"}
State = Literal["ENABLED", "PAUSED"]
ASIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Budget(ApiRecord):
    budget: NonNegFloat
    budgetType: Literal["DAILY"]


class Bidding(ApiRecord):
    strategy: Literal["AUTO_FOR_SALES"]


class Campaign(ApiRecord):
    campaignId: DigitsStr
    portfolioId: DigitsStr | None
    name: str
    state: State
    targetingType: Literal["AUTO", "MANUAL"]
    budget: Budget
    dynamicBidding: Bidding
    startDate: DateStr
    endDate: DateStr | None


class AdGroup(ApiRecord):
    adGroupId: DigitsStr
    campaignId: DigitsStr
    name: str
    state: State
    defaultBid: NonNegFloat


class ProductAd(ApiRecord):
    adId: DigitsStr
    adGroupId: DigitsStr
    campaignId: DigitsStr
    asin: str
    sku: str
    state: State


class ReportRow(ApiRecord):
    date: DateStr
    campaignId: DigitsStr
    adGroupId: DigitsStr
    adId: DigitsStr
    campaignName: str
    adGroupName: str
    advertisedAsin: str
    advertisedSku: str
    campaignBudgetCurrencyCode: str
    impressions: NonNegInt
    clicks: NonNegInt
    cost: NonNegFloat
    purchases7d: NonNegInt
    sales7d: NonNegFloat
    unitsSoldClicks7d: NonNegInt


RECORD_MODELS = {
    "campaigns": Campaign,
    "ad_groups": AdGroup,
    "product_ads": ProductAd,
    "advertised_product_report": ReportRow,
}


def asin(product_id: int) -> str:
    """A stable ASIN-shaped code ("B0" + 8 base-36 characters) for a catalog product."""
    n, chars = product_id % 36**8, []
    for _ in range(8):
        n, k = divmod(n, 36)
        chars.append(ASIN_ALPHABET[k])
    return "B0" + "".join(reversed(chars))


def _product(world: World, ad: Ad) -> tuple[str, str]:
    product = world.shops[0].products[ad.product_index]
    return asin(product.id), product.variants[0].sku


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    campaigns = [
        {
            "campaignId": c.id,
            "portfolioId": None,
            "name": c.name,
            "state": STATE[c.status],
            "targetingType": "AUTO" if c.index % 2 == 0 else "MANUAL",
            "budget": {"budget": cents_float(budget_cents(c)), "budgetType": "DAILY"},
            "dynamicBidding": {"strategy": "AUTO_FOR_SALES"},
            "startDate": c.created_time.date().isoformat(),
            "endDate": None,
        }
        for c in account.campaigns
    ]
    ad_groups = [
        {
            "adGroupId": g.id,
            "campaignId": g.campaign_id,
            "name": g.name,
            "state": STATE[g.status],
            "defaultBid": 0.75,
        }
        for g in account.ad_groups
    ]
    product_ads = []
    for ad in account.ads:
        code, sku = _product(ctx.world, ad)
        product_ads.append(
            {
                "adId": ad.id,
                "adGroupId": ad.ad_group_id,
                "campaignId": ad.campaign_id,
                "asin": code,
                "sku": sku,
                "state": STATE[ad.status],
            }
        )
    return {"campaigns": campaigns, "ad_groups": ad_groups, "product_ads": product_ads}


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    rows = []
    for r in ad_rows(ctx, sim):
        code, sku = _product(ctx.world, r.ad)
        rows.append(
            {
                "date": sim.day.isoformat(),
                "campaignId": r.campaign.id,
                "adGroupId": r.ad_group.id,
                "adId": r.ad.id,
                "campaignName": r.campaign.name,
                "adGroupName": r.ad_group.name,
                "advertisedAsin": code,
                "advertisedSku": sku,
                "campaignBudgetCurrencyCode": account.currency,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "cost": cents_float(r.spend_cents),
                "purchases7d": r.conversions,
                "sales7d": cents_float(r.value_cents),
                "unitsSoldClicks7d": r.conversions,  # one unit per purchase in the simulation
            }
        )
    return {"advertised_product_report": rows}
