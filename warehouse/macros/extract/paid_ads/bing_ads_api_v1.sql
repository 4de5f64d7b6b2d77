{#-
  Microsoft Advertising (Bing Ads) API v13: PascalCase entities (ids are int64 numbers, kept as text) and
  ad-level report rows downloaded as CSV, where every value is text ("12.34", "1.25%"). Roles: campaigns,
  ad groups, ads, the ad performance report (report). Campaigns carry no currency (the account's, from the
  report) and no creation time (the engine takes their ad groups' earliest start).
-#}

{#- Bing dates are {Day, Month, Year} objects. -#}
{% macro gata_ads_bing_date(path) -%}
make_date(
    (m.raw_data_payload->>'{{ path }}.Year')::integer,
    (m.raw_data_payload->>'{{ path }}.Month')::integer,
    (m.raw_data_payload->>'{{ path }}.Day')::integer
)
{%- endmacro %}

{#- Every Bing budget type (standard, accelerated) is a daily budget. -#}
{% macro gata_extract__bing_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$.Id', 'campaign_name': '$.Name', 'status': '$.Status', 'account_id': '$.AccountId',
        'objective': '$.CampaignType', 'daily_budget': '$.DailyBudget',
    }) }},
    m.raw_data_payload->>'$.BudgetType' as budget_type,
    m.raw_data_payload->>'$.TimeZone' as time_zone,
    from_json(m.raw_data_payload->'$.Languages', '["VARCHAR"]') as languages
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__bing_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': '$.Id', 'ad_group_name': '$.Name', 'campaign_id': '$.CampaignId', 'status': '$.Status',
        'start_date': gata_ads_bing_date('$.StartDate'),
    }) }},
    (m.raw_data_payload->>'$.CpcBid.Amount')::decimal(18,2) as cpc_bid,
    m.raw_data_payload->>'$.Network' as network,
    m.raw_data_payload->>'$.Language' as language
from {{ slice }} as m
{%- endmacro %}

{#- Ad entities carry no name: the report's AdTitle names an ad. -#}
{% macro gata_extract__bing_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ads', {'ad_id': '$.Id', 'ad_group_id': '$.AdGroupId', 'status': '$.Status'}) }},
    m.raw_data_payload->>'$.Type' as ad_type,
    m.raw_data_payload->>'$.EditorialStatus' as editorial_status,
    from_json(m.raw_data_payload->'$.FinalUrls', '["VARCHAR"]') as final_urls,
    m.raw_data_payload->>'$.Path1' as path1
from {{ slice }} as m
{%- endmacro %}

{#- The ad performance report (ad x day), every CSV value text. -#}
{% macro gata_extract__bing_ads_api_v1__account_performance_report(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('report', {
        'report_date': '$.TimePeriod', 'account_id': '$.AccountId',
        'campaign_id': '$.CampaignId', 'ad_group_id': '$.AdGroupId', 'ad_id': '$.AdId',
        'spend': '$.Spend', 'impressions': '$.Impressions', 'clicks': '$.Clicks',
        'conversions': '$.Conversions', 'conversions_value': '$.Revenue', 'currency': '$.CurrencyCode',
        'campaign_name': '$.CampaignName', 'ad_group_name': '$.AdGroupName', 'ad_name': '$.AdTitle',
    }) }},
    m.raw_data_payload->>'$.AccountName' as account_name,
    -- "1.25%" -> 1.25 (percent)
    rtrim(m.raw_data_payload->>'$.Ctr', '%')::double as ctr_pct,
    (m.raw_data_payload->>'$.AverageCpc')::decimal(18,2) as average_cpc
from {{ slice }} as m
{%- endmacro %}
