"""The paid-ads macros on small fixed inputs, per connector family (as dbt-ga4 tests its macros).

A few hand-written API records per platform go through the real extraction macros (one model per connector
object, over those records instead of a master slice) and the one paid-ads engine (fct and dim models of a
tenant named `unit_ads`) in a tiny dbt project built by real dbt on DuckDB. The canonical columns each
object's role promises, and the star rows the engine makes of them, are compared with hand-written
expectations. Records hold the cases the engine resolves across objects: names only on an entity, an
account and currency only on the campaign, a paused campaign without report rows, an entity loaded by a later
load, a tenant's own Meta conversion action types, two currencies converted at the report month's rate.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest
import yaml

from gata.config import AdRole, Domain, load_catalog, load_config
from gata.config.loader import REPO_ROOT
from gata.warehouse.dbt_runner import DbtRunner
from gata.warehouse.dbt_vars import PROJECT_DIR
from gata.workspace import Workspace

SLUG = "unit_ads"
ENTITY_LOAD, AD_LOAD, REPORT_LOAD = "1751328000.000001", "1751371200.000002", "1751414400.000003"
METADATA = ["tenant_slug", "tenant_skey", "source_platform", "natural_id", "loaded_at", "_dlt_load_id"]

# The canonical columns per role (extract/paid_ads/_common.sql), as DuckDB names their types.
ROLE_COLUMNS = {
    "report": [
        ("report_date", "DATE"),
        ("account_id", "VARCHAR"),
        ("campaign_id", "VARCHAR"),
        ("ad_group_id", "VARCHAR"),
        ("ad_id", "VARCHAR"),
        ("spend", "DECIMAL(18,2)"),
        ("impressions", "BIGINT"),
        ("clicks", "BIGINT"),
        ("conversions", "DOUBLE"),
        ("conversions_value", "DECIMAL(18,2)"),
        ("currency", "VARCHAR"),
        ("campaign_name", "VARCHAR"),
        ("ad_group_name", "VARCHAR"),
        ("ad_name", "VARCHAR"),
    ],
    "campaigns": [
        ("campaign_id", "VARCHAR"),
        ("campaign_name", "VARCHAR"),
        ("status", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("objective", "VARCHAR"),
        ("daily_budget", "DECIMAL(18,2)"),
        ("currency", "VARCHAR"),
        ("created_ts", "TIMESTAMP"),
    ],
    "ad_groups": [
        ("ad_group_id", "VARCHAR"),
        ("ad_group_name", "VARCHAR"),
        ("campaign_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("status", "VARCHAR"),
        ("start_date", "DATE"),
    ],
    "ads": [
        ("ad_id", "VARCHAR"),
        ("ad_name", "VARCHAR"),
        ("ad_group_id", "VARCHAR"),
        ("campaign_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("status", "VARCHAR"),
    ],
    "accounts": [("account_id", "VARCHAR"), ("currency", "VARCHAR")],
}
ROLE_COLUMNS["campaign_report"] = ROLE_COLUMNS["report"]

# --- the records: connector -> object -> [(load id, payload)] --------------------------------------------
# The tables below are laid out by hand, a record or an expected row per entry.
# fmt: off

E, A, R = ENTITY_LOAD, AD_LOAD, REPORT_LOAD
PURCHASES = [
    {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "2"},
    {"action_type": "onsite_conversion.purchase", "value": "1"},
    {"action_type": "link_click", "value": "25"},
]
PURCHASE_VALUES = [
    {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "80.50"},
    {"action_type": "onsite_conversion.purchase", "value": "19.50"},
]
RECORDS: dict[str, dict[str, list[tuple[str, dict]]]] = {
    "facebook_ads": {
        "campaigns": [
            (E, {"id": "11", "account_id": "900", "name": "FB | Sales", "objective": "OUTCOME_SALES",
                 "status": "ACTIVE", "daily_budget": "5000", "created_time": "2024-03-01T10:04:05+0200"}),
            (E, {"id": "12", "account_id": "900", "name": "FB | Paused", "objective": "OUTCOME_TRAFFIC",
                 "status": "PAUSED", "daily_budget": "1250", "created_time": "2024-02-01T00:00:00+0000"}),
        ],
        "ad_sets": [
            (E, {"id": "21", "account_id": "900", "campaign_id": "11", "name": "Lookalike", "status": "ACTIVE",
                 "start_time": "2024-03-02T23:30:00-0100"}),
        ],
        "ads": [
            (A, {"id": "31", "account_id": "900", "adset_id": "21", "campaign_id": "11", "name": "Ad One",
                 "status": "ACTIVE"}),
        ],
        "facebook_insights": [
            (R, {"account_id": "900", "account_currency": "USD", "campaign_id": "11", "campaign_name": "FB | Sales",
                 "adset_id": "21", "adset_name": "Lookalike", "ad_id": "31", "ad_name": "Ad One",
                 "date_start": "2025-06-30", "date_stop": "2025-06-30", "impressions": "1000", "clicks": "25",
                 "spend": "12.34", "actions": PURCHASES, "action_values": PURCHASE_VALUES}),
            # names left out, no actions (Meta omits the arrays when nothing happened)
            (R, {"account_id": "900", "account_currency": "USD", "campaign_id": "11", "adset_id": "21",
                 "ad_id": "31", "date_start": "2025-07-01", "date_stop": "2025-07-01", "impressions": "400",
                 "clicks": "8", "spend": "5.00"}),
        ],
    },
    # the same API; this tenant counts leads on Instagram; no ad set or ad entities landed
    "instagram_ads": {
        "campaigns": [
            (E, {"id": "41", "account_id": "901", "name": "IG | Leads", "objective": "OUTCOME_LEADS",
                 "status": "ACTIVE", "daily_budget": "2000", "created_time": "2024-01-01T00:00:00+0000"}),
        ],
        "ad_sets": [],
        "ads": [],
        "facebook_insights": [
            (R, {"account_id": "901", "account_currency": "EUR", "campaign_id": "41", "campaign_name": "IG | Leads",
                 "adset_id": "51", "adset_name": "Stories", "ad_id": "61", "ad_name": "Reel",
                 "date_start": "2025-06-15", "date_stop": "2025-06-15", "impressions": "500", "clicks": "5",
                 "spend": "10.00",
                 "actions": [{"action_type": "offsite_conversion.fb_pixel_lead", "value": "4"},
                             {"action_type": "offsite_conversion.fb_pixel_purchase", "value": "1"}],
                 "action_values": [{"action_type": "offsite_conversion.fb_pixel_purchase", "value": "30.00"}]}),
        ],
    },
    "google_ads": {
        "customers": [(E, {"customer.id": 700, "customer.currency_code": "USD", "customer.descriptive_name": "GGL"})],
        "campaigns": [
            (E, {"customer.id": 700, "campaign.id": 710, "campaign.name": "GGL | Search", "campaign.status": "ENABLED",
                 "campaign.advertising_channel_type": "SEARCH", "campaign.start_date": "2023-05-06",
                 "campaign.end_date": "2037-12-30", "campaign_budget.amount_micros": 92500000}),
            (E, {"customer.id": 700, "campaign.id": 711, "campaign.name": "GGL | Brand", "campaign.status": "PAUSED",
                 "campaign.advertising_channel_type": "SEARCH", "campaign.start_date": "2023-01-01",
                 "campaign_budget.amount_micros": 10000000}),
        ],
        "ad_groups": [
            (E, {"customer.id": 700, "campaign.id": 710, "ad_group.id": 720, "ad_group.name": "Exact",
                 "ad_group.status": "ENABLED"}),
        ],
        "ads": [
            (E, {"customer.id": 700, "campaign.id": 710, "ad_group.id": 720, "ad_group_ad.ad.id": 730,
                 "ad_group_ad.ad.name": "RSA One", "ad_group_ad.status": "ENABLED"}),
        ],
        # the report does not name the ad: the ads entity does
        "ad_performance": [
            (R, {"segments.date": "2025-06-30", "customer.id": 700, "customer.currency_code": "USD",
                 "campaign.id": 710, "campaign.name": "GGL | Search", "ad_group.id": 720, "ad_group.name": "Exact",
                 "ad_group_ad.ad.id": 730, "metrics.cost_micros": 13650000, "metrics.impressions": 556,
                 "metrics.clicks": 17, "metrics.conversions": 3.0, "metrics.conversions_value": 287.54}),
        ],
    },
    "bing_ads": {
        "campaigns": [
            (E, {"Id": 800, "AccountId": 801, "Name": "MSFT | Generic", "Status": "Active", "CampaignType": "Search",
                 "BudgetType": "DailyBudgetStandard", "DailyBudget": 45.5}),
            (E, {"Id": 802, "AccountId": 801, "Name": "MSFT | Old", "Status": "Paused", "CampaignType": "Audience",
                 "DailyBudget": 20}),
        ],
        "ad_groups": [
            (E, {"Id": 810, "CampaignId": 800, "Name": "Exact", "Status": "Active",
                 "StartDate": {"Day": 4, "Month": 12, "Year": 2022}}),
            (E, {"Id": 811, "CampaignId": 800, "Name": "Broad", "Status": "Paused",
                 "StartDate": {"Day": 1, "Month": 3, "Year": 2023}}),
        ],
        "ads": [(E, {"Id": 820, "AdGroupId": 810, "Type": "ResponsiveSearch", "Status": "Active"})],
        "account_performance_report": [
            (R, {"TimePeriod": "2025-06-30", "AccountId": "801", "AccountName": "MSFT", "CampaignId": "800",
                 "CampaignName": "MSFT | Generic", "AdGroupId": "810", "AdGroupName": "Exact", "AdId": "820",
                 "AdTitle": "Video Ad 1", "CurrencyCode": "USD", "Spend": "11.49", "Impressions": "450",
                 "Clicks": "19", "Ctr": "4.22%", "AverageCpc": "0.60", "Conversions": "1", "Revenue": "54.10"}),
        ],
    },
    "linkedin_ads": {
        "campaigns": [
            (E, {"id": 900100, "name": "LI | Prospecting", "status": "ACTIVE",
                 "account": "urn:li:sponsoredAccount:900000", "objectiveType": "WEBSITE_CONVERSION",
                 "dailyBudget": {"amount": "187.50", "currencyCode": "USD"},
                 "changeAuditStamps": {"created": {"time": 1663105070000}}}),
        ],
        "ad_analytics": [
            (R, {"pivotValues": ["urn:li:sponsoredCreative:900300", "urn:li:sponsoredCampaign:900100"],
                 "pivotValue": "urn:li:sponsoredCreative:900300", "start_date": "2025-06-30", "impressions": 1524,
                 "clicks": 6, "externalWebsiteConversions": 2, "costInLocalCurrency": "79.69",
                 "conversionValueInLocalCurrency": "150.00"}),
        ],
        "ad_analytics_by_campaign": [
            (R, {"pivotValues": ["urn:li:sponsoredCampaign:900100"], "pivotValue": "urn:li:sponsoredCampaign:900100",
                 "start_date": "2025-06-30", "impressions": 1524, "clicks": 6, "externalWebsiteConversions": 2,
                 "costInLocalCurrency": "79.69", "conversionValueInLocalCurrency": "150.00"}),
        ],
    },
    "amazon_ads": {
        "campaigns": [
            (E, {"campaignId": "a-c1", "name": "SP | Auto", "state": "ENABLED",
                 "budget": {"budget": 137.5, "budgetType": "DAILY"}, "startDate": "2022-03-20"}),
            (E, {"campaignId": "a-c2", "name": "SP | Old", "state": "PAUSED",
                 "budget": {"budget": 500, "budgetType": "LIFETIME"}, "startDate": "2021-01-01"}),
        ],
        "ad_groups": [(E, {"adGroupId": "a-g1", "campaignId": "a-c1", "name": "Interests", "state": "ENABLED"})],
        "product_ads": [
            (E, {"adId": "a-a1", "adGroupId": "a-g1", "campaignId": "a-c1", "asin": "B0TEST0001", "sku": "SKU-1",
                 "state": "ENABLED"}),
        ],
        "advertised_product_report": [
            (R, {"date": "2025-06-30", "campaignId": "a-c1", "adGroupId": "a-g1", "adId": "a-a1",
                 "campaignName": "SP | Auto", "adGroupName": "Interests", "advertisedAsin": "B0TEST0001",
                 "campaignBudgetCurrencyCode": "USD", "impressions": 8400, "clicks": 38, "cost": 49.07,
                 "purchases7d": 2, "sales7d": 118.96}),
        ],
    },
    "tiktok_ads": {
        "campaigns": [
            (E, {"campaign_id": "t-c1", "campaign_name": "TT | Lookalike", "advertiser_id": "t-adv",
                 "objective_type": "WEB_CONVERSIONS", "operation_status": "ENABLE", "budget": 125.0,
                 "budget_mode": "BUDGET_MODE_DAY", "create_time": "2022-01-20 14:58:32"}),
            (E, {"campaign_id": "t-c2", "campaign_name": "TT | Launch", "advertiser_id": "t-adv",
                 "objective_type": "REACH", "operation_status": "DISABLE", "budget": 1000,
                 "budget_mode": "BUDGET_MODE_TOTAL", "create_time": "2022-02-01 00:00:00"}),
        ],
        "ad_groups": [
            (E, {"adgroup_id": "t-g1", "adgroup_name": "Lookalike | G01", "campaign_id": "t-c1",
                 "advertiser_id": "t-adv", "operation_status": "ENABLE"}),
        ],
        "ads": [
            (E, {"ad_id": "t-a1", "ad_name": "Text Ad 1", "adgroup_id": "t-g1", "campaign_id": "t-c1",
                 "advertiser_id": "t-adv", "operation_status": "ENABLE"}),
        ],
        "ads_reports_daily": [
            (R, {"ad_id": "t-a1", "stat_time_day": "2025-06-20 00:00:00",
                 "dimensions": {"ad_id": "t-a1", "stat_time_day": "2025-06-20 00:00:00"},
                 "metrics": {"campaign_id": "t-c1", "campaign_name": "TT | Lookalike", "adgroup_id": "t-g1",
                             "adgroup_name": "Lookalike | G01", "ad_name": "Text Ad 1", "currency": "GBP",
                             "spend": "21.06", "impressions": "5434", "clicks": "32", "complete_payment": "2",
                             "total_complete_payment_rate": "64.00"}}),
        ],
    },
}

# --- what the extraction must make of them: (connector, object) -> canonical rows in natural_id order ------

D = Decimal
CANONICAL: dict[tuple[str, str], list[tuple]] = {
    ("facebook_ads", "campaigns"): [
        ("11", "FB | Sales", "ACTIVE", "900", "OUTCOME_SALES", D("50.00"), None, datetime(2024, 3, 1, 8, 4, 5)),
        ("12", "FB | Paused", "PAUSED", "900", "OUTCOME_TRAFFIC", D("12.50"), None, datetime(2024, 2, 1)),
    ],
    # 23:30 at -01:00 is the next day in UTC
    ("facebook_ads", "ad_sets"): [("21", "Lookalike", "11", "900", "ACTIVE", date(2024, 3, 3))],
    ("facebook_ads", "ads"): [("31", "Ad One", "21", "11", "900", "ACTIVE")],
    ("facebook_ads", "facebook_insights"): [
        (date(2025, 6, 30), "900", "11", "21", "31", D("12.34"), 1000, 25, 3.0, D("100.00"), "USD",
         "FB | Sales", "Lookalike", "Ad One"),
        (date(2025, 7, 1), "900", "11", "21", "31", D("5.00"), 400, 8, 0.0, D("0.00"), "USD", None, None, None),
    ],
    ("instagram_ads", "campaigns"): [
        ("41", "IG | Leads", "ACTIVE", "901", "OUTCOME_LEADS", D("20.00"), None, datetime(2024, 1, 1)),
    ],
    ("instagram_ads", "ad_sets"): [],
    ("instagram_ads", "ads"): [],
    # leads counted (the tenant's action types), purchases not; leads carry no value
    ("instagram_ads", "facebook_insights"): [
        (date(2025, 6, 15), "901", "41", "51", "61", D("10.00"), 500, 5, 4.0, D("0.00"), "EUR",
         "IG | Leads", "Stories", "Reel"),
    ],
    ("google_ads", "customers"): [("700", "USD")],
    ("google_ads", "campaigns"): [
        ("710", "GGL | Search", "ENABLED", "700", "SEARCH", D("92.50"), None, datetime(2023, 5, 6)),
        ("711", "GGL | Brand", "PAUSED", "700", "SEARCH", D("10.00"), None, datetime(2023, 1, 1)),
    ],
    ("google_ads", "ad_groups"): [("720", "Exact", "710", "700", "ENABLED", None)],
    ("google_ads", "ads"): [("730", "RSA One", "720", "710", "700", "ENABLED")],
    ("google_ads", "ad_performance"): [
        (date(2025, 6, 30), "700", "710", "720", "730", D("13.65"), 556, 17, 3.0, D("287.54"), "USD",
         "GGL | Search", "Exact", None),
    ],
    ("bing_ads", "campaigns"): [
        ("800", "MSFT | Generic", "Active", "801", "Search", D("45.50"), None, None),
        ("802", "MSFT | Old", "Paused", "801", "Audience", D("20.00"), None, None),
    ],
    ("bing_ads", "ad_groups"): [
        ("810", "Exact", "800", None, "Active", date(2022, 12, 4)),
        ("811", "Broad", "800", None, "Paused", date(2023, 3, 1)),
    ],
    ("bing_ads", "ads"): [("820", None, "810", None, None, "Active")],
    ("bing_ads", "account_performance_report"): [
        (date(2025, 6, 30), "801", "800", "810", "820", D("11.49"), 450, 19, 1.0, D("54.10"), "USD",
         "MSFT | Generic", "Exact", "Video Ad 1"),
    ],
    ("linkedin_ads", "campaigns"): [
        ("900100", "LI | Prospecting", "ACTIVE", "900000", "WEBSITE_CONVERSION", D("187.50"), "USD",
         datetime(2022, 9, 13, 21, 37, 50)),
    ],
    ("linkedin_ads", "ad_analytics"): [
        (date(2025, 6, 30), None, "900100", None, "900300", D("79.69"), 1524, 6, 2.0, D("150.00"), None,
         None, None, None),
    ],
    ("linkedin_ads", "ad_analytics_by_campaign"): [
        (date(2025, 6, 30), None, "900100", None, None, D("79.69"), 1524, 6, 2.0, D("150.00"), None,
         None, None, None),
    ],
    # a lifetime budget is no daily budget; the start date stands in for the creation time
    ("amazon_ads", "campaigns"): [
        ("a-c1", "SP | Auto", "ENABLED", None, None, D("137.50"), None, datetime(2022, 3, 20)),
        ("a-c2", "SP | Old", "PAUSED", None, None, None, None, datetime(2021, 1, 1)),
    ],
    ("amazon_ads", "ad_groups"): [("a-g1", "Interests", "a-c1", None, "ENABLED", None)],
    ("amazon_ads", "product_ads"): [("a-a1", "B0TEST0001", "a-g1", "a-c1", None, "ENABLED")],
    ("amazon_ads", "advertised_product_report"): [
        (date(2025, 6, 30), None, "a-c1", "a-g1", "a-a1", D("49.07"), 8400, 38, 2.0, D("118.96"), "USD",
         "SP | Auto", "Interests", "B0TEST0001"),
    ],
    ("tiktok_ads", "campaigns"): [
        ("t-c1", "TT | Lookalike", "ENABLE", "t-adv", "WEB_CONVERSIONS", D("125.00"), None,
         datetime(2022, 1, 20, 14, 58, 32)),
        ("t-c2", "TT | Launch", "DISABLE", "t-adv", "REACH", None, None, datetime(2022, 2, 1)),
    ],
    ("tiktok_ads", "ad_groups"): [("t-g1", "Lookalike | G01", "t-c1", "t-adv", "ENABLE", None)],
    ("tiktok_ads", "ads"): [("t-a1", "Text Ad 1", "t-g1", "t-c1", "t-adv", "ENABLE")],
    ("tiktok_ads", "ads_reports_daily"): [
        (date(2025, 6, 20), None, "t-c1", "t-g1", "t-a1", D("21.06"), 5434, 32, 2.0, D("64.00"), "GBP",
         "TT | Lookalike", "Lookalike | G01", "Text Ad 1"),
    ],
}

# --- what the engine must make of them --------------------------------------------------------------------

FCT_COLUMNS = (
    "report_date, campaign_id, ad_group_id, ad_id, account_id, currency, campaign_name, ad_group_name, ad_name, "
    "spend, conversions, conversions_value, source_load_ids"
)
FCT: dict[str, list[tuple]] = {
    # the second day's names come from the entities; the ad was loaded by a later load: in the lineage
    "facebook_ads": [
        (date(2025, 6, 30), "11", "21", "31", "900", "USD", "FB | Sales", "Lookalike", "Ad One",
         D("12.34"), 3.0, D("100.00"), [E, A, R]),
        (date(2025, 7, 1), "11", "21", "31", "900", "USD", "FB | Sales", "Lookalike", "Ad One",
         D("5.00"), 0.0, D("0.00"), [E, A, R]),
    ],
    "instagram_ads": [
        (date(2025, 6, 15), "41", "51", "61", "901", "EUR", "IG | Leads", "Stories", "Reel",
         D("10.00"), 4.0, D("0.00"), [E, R]),
    ],
    "google_ads": [
        (date(2025, 6, 30), "710", "720", "730", "700", "USD", "GGL | Search", "Exact", "RSA One",
         D("13.65"), 3.0, D("287.54"), [E, R]),
    ],
    "bing_ads": [
        (date(2025, 6, 30), "800", "810", "820", "801", "USD", "MSFT | Generic", "Exact", "Video Ad 1",
         D("11.49"), 1.0, D("54.10"), [E, R]),
    ],
    # account and currency are the campaign's; no ad group level, creatives unnamed
    "linkedin_ads": [
        (date(2025, 6, 30), "900100", None, "900300", "900000", "USD", "LI | Prospecting", None, None,
         D("79.69"), 2.0, D("150.00"), [E, R]),
    ],
    "amazon_ads": [
        (date(2025, 6, 30), "a-c1", "a-g1", "a-a1", None, "USD", "SP | Auto", "Interests", "B0TEST0001",
         D("49.07"), 2.0, D("118.96"), [E, R]),
    ],
    # the report names no advertiser: the campaign's
    "tiktok_ads": [
        (date(2025, 6, 20), "t-c1", "t-g1", "t-a1", "t-adv", "GBP", "TT | Lookalike", "Lookalike | G01", "Text Ad 1",
         D("21.06"), 2.0, D("64.00"), [E, R]),
    ],
}

DIM_COLUMNS = (
    "campaign_id, campaign_name, campaign_status, account_id, objective, daily_budget, currency, created_ts, "
    "source_load_ids"
)
DIM: dict[str, list[tuple]] = {
    # the paused campaign has no insights: its account's currency
    "facebook_ads": [
        ("11", "FB | Sales", "active", "900", "OUTCOME_SALES", D("50.00"), "USD", datetime(2024, 3, 1, 8, 4, 5), [E]),
        ("12", "FB | Paused", "paused", "900", "OUTCOME_TRAFFIC", D("12.50"), "USD", datetime(2024, 2, 1), [E]),
    ],
    "instagram_ads": [
        ("41", "IG | Leads", "active", "901", "OUTCOME_LEADS", D("20.00"), "EUR", datetime(2024, 1, 1), [E]),
    ],
    # the customer's currency
    "google_ads": [
        ("710", "GGL | Search", "active", "700", "SEARCH", D("92.50"), "USD", datetime(2023, 5, 6), [E]),
        ("711", "GGL | Brand", "paused", "700", "SEARCH", D("10.00"), "USD", datetime(2023, 1, 1), [E]),
    ],
    # created: the earliest start of the campaign's ad groups (none for a campaign without ad groups)
    "bing_ads": [
        ("800", "MSFT | Generic", "active", "801", "Search", D("45.50"), "USD", datetime(2022, 12, 4), [E]),
        ("802", "MSFT | Old", "paused", "801", "Audience", D("20.00"), "USD", None, [E]),
    ],
    "linkedin_ads": [
        ("900100", "LI | Prospecting", "active", "900000", "WEBSITE_CONVERSION", D("187.50"), "USD",
         datetime(2022, 9, 13, 21, 37, 50), [E]),
    ],
    # no account: the paused campaign takes the connector's (one profile) currency
    "amazon_ads": [
        ("a-c1", "SP | Auto", "active", None, None, D("137.50"), "USD", datetime(2022, 3, 20), [E]),
        ("a-c2", "SP | Old", "paused", None, None, None, "USD", datetime(2021, 1, 1), [E]),
    ],
    # the advertiser's currency, from the report rows of its campaigns
    "tiktok_ads": [
        ("t-c1", "TT | Lookalike", "active", "t-adv", "WEB_CONVERSIONS", D("125.00"), "GBP",
         datetime(2022, 1, 20, 14, 58, 32), [E]),
        ("t-c2", "TT | Launch", "paused", "t-adv", "REACH", None, "GBP", datetime(2022, 2, 1), [E]),
    ],
}

# fmt: on

FAMILIES = {
    "meta": ["facebook_ads", "instagram_ads"],
    "google": ["google_ads"],
    "bing": ["bing_ads"],
    "linkedin": ["linkedin_ads"],
    "amazon": ["amazon_ads"],
    "tiktok": ["tiktok_ads"],
}


def _model(connector: str, object_name: str) -> str:
    """The name gata_int() refers to: the engine reads these models as it reads a tenant's intermediate ones."""
    return f"int_{connector}__{object_name}"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _records_model() -> str:
    rows = []
    for connector, objects in RECORDS.items():
        for object_name, records in objects.items():
            for n, (load_id, payload) in enumerate(records, start=1):
                values = [SLUG, "k", connector, object_name, f"{n:03d}", load_id, json.dumps(payload)]
                rows.append("(" + ", ".join(_sql_text(v) for v in values) + ", timestamp '2025-07-02 00:00:00')")
    return (
        "{% raw %}\nselect * from (values\n    "
        + ",\n    ".join(rows)
        + "\n) as records(tenant_slug, tenant_skey, source_platform, object_name, natural_id, _dlt_load_id, "
        "payload, loaded_at)\n{% endraw %}\n"
    )


def _extraction_model(family: str, connector: str, object_name: str) -> str:
    slice_sql = (
        "(select tenant_slug, tenant_skey, source_platform, natural_id, loaded_at, _dlt_load_id, "
        "payload::json as raw_data_payload from \" ~ ref('unit_ads_records') ~ \" "
        f"where source_platform = '{connector}' and object_name = '{object_name}')"
    )
    return f"{{{{ gata_extract__{family}__{object_name}(gata_tenant(), '{connector}', \"{slice_sql}\") }}}}\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("paid_ads_macros")
    catalog = load_catalog()
    sources = {c: {} for c in catalog.in_domain(Domain.paid_ads)}
    sources["instagram_ads"] = {"logic": {"conversion_action_types": ["offsite_conversion.fb_pixel_lead"]}}
    tenants = {"tenants": [{"slug": SLUG, "name": "Unit Ads", "reporting_currency": "USD", "sources": sources}]}
    (root / "tenants.yaml").write_text(yaml.safe_dump(tenants))
    tenant = load_config(root / "tenants.yaml").tenant(SLUG)
    ws = Workspace.resolve(root / "ws")
    # the real project's macros, seeds, configuration and mart contracts; models of these records instead of
    # the tenant's landed data (the engine reads them through the same names as intermediate models)
    project = root / "project"
    project.mkdir()
    for part in ("dbt_project.yml", "profiles.yml", "macros", "seeds"):
        source = PROJECT_DIR / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    (project / "models" / "marts").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "models" / "marts" / "_marts__models.yml", project / "models" / "marts")
    models = project / "models" / "intermediate" / "unit"
    models.mkdir(parents=True, exist_ok=True)
    (models / "unit_ads_records.sql").write_text("{{ config(materialized='table') }}\n" + _records_model())
    for connector in catalog.in_domain(Domain.paid_ads):
        family = catalog[connector].master_model_id
        for object_name in catalog[connector].objects:
            (models / f"{_model(connector, object_name)}.sql").write_text(
                _extraction_model(family, connector, object_name)
            )
    marts = project / "models" / "marts"
    (marts / "fct_ad_performance.sql").write_text("{{ gata_fct_ad_performance(gata_tenant()) }}\n")
    (marts / "dim_campaigns.sql").write_text("{{ gata_dim_campaigns(gata_tenant()) }}\n")
    runner = DbtRunner(ws, tenant, catalog, project_dir=project)
    result = runner.invoke(["build", "--select", "path:models/intermediate/unit", "path:models/marts", "fx_rates"])
    assert result.error is None, result.error
    assert result.failed() == [], result.summary()
    assert result.count("model", "success") == 1 + 28 + 2
    con = duckdb.connect(str(ws.warehouse_path(SLUG)), read_only=True)
    yield con
    con.close()


def test_every_object_emits_its_roles_canonical_columns_first_and_typed(built):
    catalog = load_catalog()
    for connector in catalog.in_domain(Domain.paid_ads):
        for object_name, spec in catalog[connector].objects.items():
            model = _model(connector, object_name)
            described = [(r[0], r[1]) for r in built.execute(f"describe intermediate.{model}").fetchall()]
            canonical = ROLE_COLUMNS[spec.role.value]
            assert [n for n, _ in described[: len(METADATA)]] == METADATA, (connector, object_name)
            assert described[len(METADATA) : len(METADATA) + len(canonical)] == canonical, (connector, object_name)


@pytest.mark.parametrize("family", FAMILIES)
def test_extraction_yields_the_canonical_rows(built, family):
    catalog = load_catalog()
    for connector in FAMILIES[family]:
        for object_name, spec in catalog[connector].objects.items():
            columns = ", ".join(n for n, _ in ROLE_COLUMNS[spec.role.value])
            got = built.execute(
                f"select {columns} from intermediate.{_model(connector, object_name)} order by natural_id"
            ).fetchall()
            assert got == CANONICAL[(connector, object_name)], (connector, object_name)


def _fx() -> dict[tuple[str, str], float]:
    with (REPO_ROOT / "warehouse" / "seeds" / "fx_rates.csv").open() as f:
        return {(month[:7], currency): float(rate) for month, currency, rate in list(csv.reader(f))[1:]}


@pytest.mark.parametrize("family", FAMILIES)
def test_the_engine_builds_the_star_rows(built, family):
    fx = _fx()
    for connector in FAMILIES[family]:
        fct = built.execute(
            f"select {FCT_COLUMNS} from analytics.fct_{SLUG}__ad_performance where source_platform = ? "
            "order by report_date, ad_id",
            [connector],
        ).fetchall()
        assert fct == FCT[connector], connector
        # amounts in the reporting currency (USD) at the rate of the report's month
        for day, currency, spend, value, spend_rep, value_rep, keys in built.execute(
            "select report_date, currency, spend, conversions_value, spend_reporting, conversions_value_reporting, "
            f"[campaign_key, ad_performance_key] from analytics.fct_{SLUG}__ad_performance where source_platform = ?",
            [connector],
        ).fetchall():
            factor = fx[(day.strftime("%Y-%m"), "USD")] / fx[(day.strftime("%Y-%m"), currency)]
            assert (spend_rep == spend) if currency == "USD" else abs(float(spend_rep) - float(spend) * factor) <= 0.005
            assert (value_rep == value) if currency == "USD" else abs(float(value_rep) - float(value) * factor) <= 0.005
            assert keys[1].startswith(f"{connector}|") and keys[1].endswith(day.isoformat()), keys
        dim = built.execute(
            f"select {DIM_COLUMNS} from analytics.dim_{SLUG}__campaigns where source_platform = ? order by campaign_id",
            [connector],
        ).fetchall()
        assert dim == DIM[connector], connector
    # every fact row finds its campaign
    orphans = built.execute(
        f"select count(*) from analytics.fct_{SLUG}__ad_performance f "
        f"left join analytics.dim_{SLUG}__campaigns d using (campaign_key) where d.campaign_key is null"
    ).fetchone()
    assert orphans == (0,)


def test_instagram_spend_converts_from_eur(built):
    """The EUR row is converted (a factor other than 1), the USD rows are not."""
    spend, spend_rep = built.execute(
        f"select spend, spend_reporting from analytics.fct_{SLUG}__ad_performance "
        "where source_platform = 'instagram_ads'"
    ).fetchone()
    assert spend_rep > spend


def test_every_role_of_the_catalog_is_exercised():
    catalog = load_catalog()
    roles = {spec.role for c in catalog.in_domain(Domain.paid_ads) for spec in catalog[c].objects.values()}
    assert roles == set(AdRole)
    assert set(CANONICAL) == {(c, o) for c in catalog.in_domain(Domain.paid_ads) for o in catalog[c].objects}
