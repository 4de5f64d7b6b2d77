"""LinkedIn Marketing API 202401: campaigns and the adAnalytics statistics finder.

LinkedIn has no ad groups: a simulated campaign is a LinkedIn campaign (same id digits, same name as
its UTM campaign) inside one campaign group per account, and a simulated ad is a sponsored creative.
Entities point at each other with URNs; times are epoch milliseconds; money is a decimal string.
Analytics rows are pivoted by CREATIVE (then CAMPAIGN) and by CAMPAIGN; the extractor adds the top-level
`pivotValue` and `start_date` that key them. Campaign rows are the sums of their creative rows, exactly.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Literal

from pydantic import StringConstraints

from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    ApiRecord,
    DateStr,
    MoneyStr,
    NonNegInt,
    ad_rows,
    budget_cents,
    campaign_group_id,
    epoch_ms,
    landed_clicks,
    render_rng,
    updated_time,
)
from gata.simulation.day import DaySim
from gata.simulation.money import convert_cents, fmt_cents

STATUS = {"ACTIVE": "ACTIVE", "PAUSED": "PAUSED"}
Urn = Annotated[str, StringConstraints(pattern=r"^urn:li:[A-Za-z]+:\d+$")]


def urn(kind: str, id_: str) -> str:
    return f"urn:li:{kind}:{id_}"


class Amount(ApiRecord):
    amount: MoneyStr
    currencyCode: str


class Stamp(ApiRecord):
    time: int


class AuditStamps(ApiRecord):
    created: Stamp
    lastModified: Stamp


class RunSchedule(ApiRecord):
    start: int


class Locale(ApiRecord):
    country: str
    language: str


class Campaign(ApiRecord):
    id: int
    name: str
    status: Literal["ACTIVE", "PAUSED"]
    account: Urn
    campaignGroup: Urn
    type: Literal["SPONSORED_UPDATES"]
    costType: Literal["CPM"]
    objectiveType: Literal["WEBSITE_CONVERSION"]
    format: Literal["STANDARD_UPDATE"]
    locale: Locale
    dailyBudget: Amount
    unitCost: Amount
    changeAuditStamps: AuditStamps
    runSchedule: RunSchedule
    servingStatuses: list[str]


class Day(ApiRecord):
    year: int
    month: int
    day: int


class DateRange(ApiRecord):
    start: Day
    end: Day


class Analytics(ApiRecord):
    pivotValues: list[Urn]
    pivotValue: Urn
    start_date: DateStr
    dateRange: DateRange
    impressions: NonNegInt
    clicks: NonNegInt
    landingPageClicks: NonNegInt
    costInLocalCurrency: MoneyStr
    costInUsd: MoneyStr
    externalWebsiteConversions: NonNegInt
    conversionValueInLocalCurrency: MoneyStr


RECORD_MODELS = {"campaigns": Campaign, "ad_analytics": Analytics, "ad_analytics_by_campaign": Analytics}
# the metrics of an analytics row; campaign rows add up their creatives' values of these
SUMMED = ("impressions", "clicks", "landingPageClicks", "externalWebsiteConversions")
SUMMED_CENTS = ("costInLocalCurrency", "costInUsd", "conversionValueInLocalCurrency")


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    group = urn("sponsoredCampaignGroup", campaign_group_id(ctx))
    campaigns = []
    for c in account.campaigns:
        created = epoch_ms(c.created_time)
        modified = epoch_ms(updated_time(account, c))
        campaigns.append(
            {
                "id": int(c.id),
                "name": c.name,
                "status": STATUS[c.status],
                "account": urn("sponsoredAccount", account.account_id),
                "campaignGroup": group,
                "type": "SPONSORED_UPDATES",
                "costType": "CPM",
                "objectiveType": "WEBSITE_CONVERSION",
                "format": "STANDARD_UPDATE",
                "locale": {"country": "US", "language": "en"},
                "dailyBudget": {"amount": fmt_cents(budget_cents(c)), "currencyCode": account.currency},
                "unitCost": {"amount": "35.00", "currencyCode": account.currency},
                "changeAuditStamps": {"created": {"time": created}, "lastModified": {"time": modified}},
                "runSchedule": {"start": created},
                "servingStatuses": ["RUNNABLE"] if c.status == "ACTIVE" else ["CAMPAIGN_STATUS_HOLD"],
            }
        )
    return {"campaigns": campaigns}


def _row(pivots: list[str], day: str, metrics: dict[str, int]) -> dict:
    y, m, d = (int(x) for x in day.split("-"))
    when = {"year": y, "month": m, "day": d}
    return {
        "pivotValues": pivots,
        "pivotValue": pivots[0],
        "start_date": day,
        "dateRange": {"start": when, "end": dict(when)},
        **{k: metrics[k] for k in SUMMED},
        **{k: fmt_cents(metrics[k]) for k in SUMMED_CENTS},
    }


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    landed = landed_clicks(ctx, sim, render_rng(ctx, "ad_analytics", sim.day))
    day = sim.day.isoformat()
    creatives, by_campaign = [], defaultdict(lambda: dict.fromkeys(SUMMED + SUMMED_CENTS, 0))
    for r in ad_rows(ctx, sim):
        metrics = {
            "impressions": r.impressions,
            "clicks": r.clicks,
            "landingPageClicks": int(landed[r.index]),
            "externalWebsiteConversions": r.conversions,
            "costInLocalCurrency": r.spend_cents,
            "costInUsd": int(convert_cents(r.spend_cents, account.currency, "USD")),
            "conversionValueInLocalCurrency": r.value_cents,
        }
        campaign = urn("sponsoredCampaign", r.campaign.id)
        creatives.append(_row([urn("sponsoredCreative", r.ad.id), campaign], day, metrics))
        for k, v in metrics.items():
            by_campaign[campaign][k] += v
    campaigns = [_row([c], day, totals) for c, totals in by_campaign.items()]
    return {"ad_analytics": creatives, "ad_analytics_by_campaign": campaigns}
