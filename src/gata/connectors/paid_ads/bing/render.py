"""Microsoft Advertising (Bing Ads) API v13: PascalCase entities from the Campaign Management service
(ids are int64 numbers) and report rows from the Reporting service, which downloads CSV: every report
value, ids included, is the CSV's text ("12.34", "1.25%").

The report object is named account_performance_report in the catalog but is requested at ad level
(AdPerformanceReport columns), one row per ad and day.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from gata.connectors.base import RenderContext
from gata.connectors.paid_ads._common import (
    ApiRecord,
    DateStr,
    DigitsStr,
    MoneyStr,
    ad_rows,
    budget_cents,
    cents_float,
    cpc,
    ctr_pct,
)
from gata.simulation.day import DaySim
from gata.simulation.money import fmt_cents

STATUS = {"ACTIVE": "Active", "PAUSED": "Paused"}
Status = Literal["Active", "Paused"]
TIME_ZONE = "GreenwichMeanTimeDublinEdinburghLisbonLondon"  # Bing's name for UTC+0
PercentStr = Annotated[str, StringConstraints(pattern=r"^\d+\.\d{2}%$")]


class Campaign(ApiRecord):
    Id: int
    AccountId: int
    Name: str
    Status: Status
    CampaignType: Literal["Search", "Shopping", "PerformanceMax"]
    BudgetType: Literal["DailyBudgetStandard"]
    DailyBudget: float
    TimeZone: str
    Languages: list[str]


class BingDate(ApiRecord):
    Day: int
    Month: int
    Year: int


class Bid(ApiRecord):
    Amount: float


class AdGroup(ApiRecord):
    Id: int
    CampaignId: int
    Name: str
    Status: Status
    CpcBid: Bid
    Network: Literal["OwnedAndOperatedAndSyndicatedSearch"]
    StartDate: BingDate
    Language: str | None


class Ad(ApiRecord):
    Id: int
    AdGroupId: int
    Type: Literal["ResponsiveSearch"]
    Status: Status
    EditorialStatus: Literal["Active"]
    FinalUrls: list[str]
    Path1: str | None


class ReportRow(ApiRecord):
    TimePeriod: DateStr
    AccountId: DigitsStr
    AccountName: str
    CampaignId: DigitsStr
    CampaignName: str
    AdGroupId: DigitsStr
    AdGroupName: str
    AdId: DigitsStr
    AdTitle: str
    CurrencyCode: str
    Spend: MoneyStr
    Impressions: DigitsStr
    Clicks: DigitsStr
    Ctr: PercentStr
    AverageCpc: MoneyStr
    Conversions: DigitsStr
    Revenue: MoneyStr


RECORD_MODELS = {"campaigns": Campaign, "ad_groups": AdGroup, "ads": Ad, "account_performance_report": ReportRow}


def entities(ctx: RenderContext) -> dict[str, list[dict]]:
    account = ctx.account()
    campaigns = [
        {
            "Id": int(c.id),
            "AccountId": int(account.account_id),
            "Name": c.name,
            "Status": STATUS[c.status],
            "CampaignType": c.channel_type,
            "BudgetType": "DailyBudgetStandard",
            "DailyBudget": cents_float(budget_cents(c)),
            "TimeZone": TIME_ZONE,
            "Languages": ["All"],
        }
        for c in account.campaigns
    ]
    ad_groups = [
        {
            "Id": int(g.id),
            "CampaignId": int(g.campaign_id),
            "Name": g.name,
            "Status": STATUS[g.status],
            "CpcBid": {"Amount": 1.25},
            "Network": "OwnedAndOperatedAndSyndicatedSearch",
            "StartDate": {"Day": g.created_time.day, "Month": g.created_time.month, "Year": g.created_time.year},
            "Language": None,  # inherits the campaign's languages
        }
        for g in account.ad_groups
    ]
    ads = [
        {
            "Id": int(ad.id),
            "AdGroupId": int(ad.ad_group_id),
            "Type": "ResponsiveSearch",
            "Status": STATUS[ad.status],
            "EditorialStatus": "Active",
            "FinalUrls": [ad.final_url],
            "Path1": None,
        }
        for ad in account.ads
    ]
    return {"campaigns": campaigns, "ad_groups": ad_groups, "ads": ads}


def daily(ctx: RenderContext, sim: DaySim) -> dict[str, list[dict]]:
    account = ctx.account()
    rows = [
        {
            "TimePeriod": sim.day.isoformat(),
            "AccountId": account.account_id,
            "AccountName": account.account_name,
            "CampaignId": r.campaign.id,
            "CampaignName": r.campaign.name,
            "AdGroupId": r.ad_group.id,
            "AdGroupName": r.ad_group.name,
            "AdId": r.ad.id,
            "AdTitle": r.ad.name,
            "CurrencyCode": account.currency,
            "Spend": fmt_cents(r.spend_cents),
            "Impressions": str(r.impressions),
            "Clicks": str(r.clicks),
            "Ctr": f"{ctr_pct(r, 2)}%",
            "AverageCpc": cpc(r, 2),
            "Conversions": str(r.conversions),
            "Revenue": fmt_cents(r.value_cents),
        }
        for r in ad_rows(ctx, sim)
    ]
    return {"account_performance_report": rows}
