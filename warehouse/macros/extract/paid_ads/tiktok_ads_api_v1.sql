{#-
  TikTok Business API v1.3: campaigns, ad groups and ads (ids as strings, times "YYYY-MM-DD HH:MM:SS" in
  UTC) and the BASIC report at ad x day, whose `dimensions` and `metrics` objects hold every value as a
  string. Purchases are TikTok's complete_payment events. Roles: campaigns, ad groups, ads, the daily report
  (report), which names no advertiser: the account is the campaign's.
-#}

{#- TikTok time "2024-03-01 10:04:05" (UTC) -> timestamp -#}
{% macro gata_ads_tiktok_ts(expr) -%}
strptime({{ expr }}, '%Y-%m-%d %H:%M:%S')
{%- endmacro %}

{#- Only a daily budget (BUDGET_MODE_DAY) is a daily_budget; a lifetime or unlimited one is not. -#}
{% macro gata_extract__tiktok_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$.campaign_id', 'campaign_name': '$.campaign_name', 'status': '$.operation_status',
        'account_id': '$.advertiser_id', 'objective': '$.objective_type',
        'daily_budget': "case when m.raw_data_payload->>'$.budget_mode' = 'BUDGET_MODE_DAY'
            then (m.raw_data_payload->>'$.budget')::decimal(18,2) end",
        'created_ts': gata_ads_tiktok_ts(gata_ads_json('$.create_time')),
    }) }},
    m.raw_data_payload->>'$.secondary_status' as secondary_status,
    (m.raw_data_payload->>'$.budget')::decimal(18,2) as budget,
    m.raw_data_payload->>'$.budget_mode' as budget_mode,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.modify_time'") }} as modified_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__tiktok_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': '$.adgroup_id', 'ad_group_name': '$.adgroup_name',
        'campaign_id': '$.campaign_id', 'account_id': '$.advertiser_id', 'status': '$.operation_status',
    }) }},
    m.raw_data_payload->>'$.placement_type' as placement_type,
    from_json(m.raw_data_payload->'$.placements', '["VARCHAR"]') as placements,
    (m.raw_data_payload->>'$.budget')::decimal(18,2) as budget,
    m.raw_data_payload->>'$.budget_mode' as budget_mode,
    m.raw_data_payload->>'$.optimization_goal' as optimization_goal,
    m.raw_data_payload->>'$.billing_event' as billing_event,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.create_time'") }} as created_ts,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.modify_time'") }} as modified_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__tiktok_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ads', {
        'ad_id': '$.ad_id', 'ad_name': '$.ad_name', 'ad_group_id': '$.adgroup_id', 'campaign_id': '$.campaign_id',
        'account_id': '$.advertiser_id', 'status': '$.operation_status',
    }) }},
    m.raw_data_payload->>'$.landing_page_url' as landing_page_url,
    m.raw_data_payload->>'$.call_to_action' as call_to_action,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.create_time'") }} as created_ts,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.modify_time'") }} as modified_ts
from {{ slice }} as m
{%- endmacro %}

{#- Conversions are complete payments (purchases) and their value, which, despite its name,
    total_complete_payment_rate holds. -#}
{% macro gata_extract__tiktok_ads_api_v1__ads_reports_daily(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('report', {
        'report_date': gata_ads_tiktok_ts("coalesce(m.raw_data_payload->>'$.dimensions.stat_time_day',
                                                     m.raw_data_payload->>'$.stat_time_day')"),
        'campaign_id': '$.metrics.campaign_id', 'ad_group_id': '$.metrics.adgroup_id',
        'ad_id': "coalesce(m.raw_data_payload->>'$.dimensions.ad_id', m.raw_data_payload->>'$.ad_id')",
        'spend': '$.metrics.spend', 'impressions': '$.metrics.impressions', 'clicks': '$.metrics.clicks',
        'conversions': '$.metrics.complete_payment', 'conversions_value': '$.metrics.total_complete_payment_rate',
        'currency': '$.metrics.currency',
        'campaign_name': '$.metrics.campaign_name', 'ad_group_name': '$.metrics.adgroup_name',
        'ad_name': '$.metrics.ad_name',
    }) }},
    -- ctr in percent; cpc and cpm in the account currency
    (m.raw_data_payload->>'$.metrics.ctr')::double as ctr_pct,
    (m.raw_data_payload->>'$.metrics.cpc')::double as cpc,
    (m.raw_data_payload->>'$.metrics.cpm')::double as cpm,
    (m.raw_data_payload->>'$.metrics.conversion')::double as optimization_conversions,
    (m.raw_data_payload->>'$.metrics.total_purchase_value')::decimal(18,2) as total_purchase_value
from {{ slice }} as m
{%- endmacro %}
