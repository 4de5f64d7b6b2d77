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
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': gata_ads_json('$.Id'),
        'campaign_name': gata_ads_json('$.Name'),
        'status': gata_ads_json('$.Status'),
        'account_id': gata_ads_json('$.AccountId'),
        'objective': gata_ads_json('$.CampaignType'),
        'daily_budget': gata_ads_json('$.DailyBudget'),
    }) }},
    m.raw_data_payload->>'$.BudgetType' as budget_type,
    m.raw_data_payload->>'$.TimeZone' as time_zone,
    from_json(m.raw_data_payload->'$.Languages', '["VARCHAR"]') as languages
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__bing_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': gata_ads_json('$.Id'),
        'ad_group_name': gata_ads_json('$.Name'),
        'campaign_id': gata_ads_json('$.CampaignId'),
        'start_date': gata_ads_bing_date('$.StartDate'),
    }) }},
    m.raw_data_payload->>'$.Status' as status,
    (m.raw_data_payload->>'$.CpcBid.Amount')::decimal(18,2) as cpc_bid,
    m.raw_data_payload->>'$.Network' as network,
    m.raw_data_payload->>'$.Language' as language
from {{ slice }} as m
{%- endmacro %}

{#- Ad entities carry no name: the report's AdTitle names an ad. -#}
{% macro gata_extract__bing_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_canonical('ads', {
        'ad_id': gata_ads_json('$.Id'),
        'ad_group_id': gata_ads_json('$.AdGroupId'),
    }) }},
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
    {{ gata_ads_canonical('report', {
        'report_date': gata_ads_json('$.TimePeriod'),
        'account_id': gata_ads_json('$.AccountId'),
        'campaign_id': gata_ads_json('$.CampaignId'),
        'ad_group_id': gata_ads_json('$.AdGroupId'),
        'ad_id': gata_ads_json('$.AdId'),
        'spend': gata_ads_json('$.Spend'),
        'impressions': gata_ads_json('$.Impressions'),
        'clicks': gata_ads_json('$.Clicks'),
        'conversions': gata_ads_json('$.Conversions'),
        'conversions_value': gata_ads_json('$.Revenue'),
        'currency': gata_ads_json('$.CurrencyCode'),
        'campaign_name': gata_ads_json('$.CampaignName'),
        'ad_group_name': gata_ads_json('$.AdGroupName'),
        'ad_name': gata_ads_json('$.AdTitle'),
    }) }},
    m.raw_data_payload->>'$.AccountName' as account_name,
    -- "1.25%" -> 1.25 (percent)
    rtrim(m.raw_data_payload->>'$.Ctr', '%')::double as ctr_pct,
    (m.raw_data_payload->>'$.AverageCpc')::decimal(18,2) as average_cpc
from {{ slice }} as m
{%- endmacro %}
