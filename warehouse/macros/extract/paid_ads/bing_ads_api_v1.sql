{#-
  Microsoft Advertising (Bing Ads) API v13: PascalCase entities (ids are int64 numbers, kept as text) and
  ad-level report rows downloaded as CSV, where every value is text ("12.34", "1.25%").
-#}

{% macro gata_extract__bing_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.Id' as campaign_id,
    m.raw_data_payload->>'$.AccountId' as account_id,
    m.raw_data_payload->>'$.Name' as campaign_name,
    m.raw_data_payload->>'$.Status' as status,
    m.raw_data_payload->>'$.CampaignType' as campaign_type,
    m.raw_data_payload->>'$.BudgetType' as budget_type,
    (m.raw_data_payload->>'$.DailyBudget')::decimal(18,2) as daily_budget,
    m.raw_data_payload->>'$.TimeZone' as time_zone,
    from_json(m.raw_data_payload->'$.Languages', '["VARCHAR"]') as languages
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__bing_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.Id' as ad_group_id,
    m.raw_data_payload->>'$.CampaignId' as campaign_id,
    m.raw_data_payload->>'$.Name' as ad_group_name,
    m.raw_data_payload->>'$.Status' as status,
    (m.raw_data_payload->>'$.CpcBid.Amount')::decimal(18,2) as cpc_bid,
    m.raw_data_payload->>'$.Network' as network,
    -- Bing dates are {Day, Month, Year} objects
    make_date(
        (m.raw_data_payload->>'$.StartDate.Year')::integer,
        (m.raw_data_payload->>'$.StartDate.Month')::integer,
        (m.raw_data_payload->>'$.StartDate.Day')::integer
    ) as start_date,
    m.raw_data_payload->>'$.Language' as language
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__bing_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.Id' as ad_id,
    m.raw_data_payload->>'$.AdGroupId' as ad_group_id,
    m.raw_data_payload->>'$.Type' as ad_type,
    m.raw_data_payload->>'$.Status' as status,
    m.raw_data_payload->>'$.EditorialStatus' as editorial_status,
    from_json(m.raw_data_payload->'$.FinalUrls', '["VARCHAR"]') as final_urls,
    m.raw_data_payload->>'$.Path1' as path1
from {{ slice }} as m
{%- endmacro %}

{#- The ad performance report (ad x day), every CSV value text. -#}
{% macro gata_extract__bing_ads_api_v1__account_performance_report(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.TimePeriod')::date as report_date,
    m.raw_data_payload->>'$.AccountId' as account_id,
    m.raw_data_payload->>'$.AccountName' as account_name,
    m.raw_data_payload->>'$.CampaignId' as campaign_id,
    m.raw_data_payload->>'$.CampaignName' as campaign_name,
    m.raw_data_payload->>'$.AdGroupId' as ad_group_id,
    m.raw_data_payload->>'$.AdGroupName' as ad_group_name,
    m.raw_data_payload->>'$.AdId' as ad_id,
    m.raw_data_payload->>'$.AdTitle' as ad_title,
    m.raw_data_payload->>'$.CurrencyCode' as currency,
    (m.raw_data_payload->>'$.Spend')::decimal(18,2) as spend,
    (m.raw_data_payload->>'$.Impressions')::bigint as impressions,
    (m.raw_data_payload->>'$.Clicks')::bigint as clicks,
    -- "1.25%" -> 1.25 (percent)
    rtrim(m.raw_data_payload->>'$.Ctr', '%')::double as ctr_pct,
    (m.raw_data_payload->>'$.AverageCpc')::decimal(18,2) as average_cpc,
    (m.raw_data_payload->>'$.Conversions')::double as conversions,
    (m.raw_data_payload->>'$.Revenue')::decimal(18,2) as revenue
from {{ slice }} as m
{%- endmacro %}
