{#-
  TikTok Business API v1.3: campaigns, ad groups and ads (ids as strings, times "YYYY-MM-DD HH:MM:SS" in
  UTC) and the BASIC report at ad x day, whose `dimensions` and `metrics` objects hold every value as a
  string. Purchases are TikTok's complete_payment events.
-#}

{#- TikTok time "2024-03-01 10:04:05" (UTC) -> timestamp -#}
{% macro gata_ads_tiktok_ts(expr) -%}
strptime({{ expr }}, '%Y-%m-%d %H:%M:%S')
{%- endmacro %}

{% macro gata_extract__tiktok_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.campaign_name' as campaign_name,
    m.raw_data_payload->>'$.advertiser_id' as advertiser_id,
    m.raw_data_payload->>'$.objective_type' as objective_type,
    m.raw_data_payload->>'$.operation_status' as operation_status,
    m.raw_data_payload->>'$.secondary_status' as secondary_status,
    (m.raw_data_payload->>'$.budget')::decimal(18,2) as budget,
    m.raw_data_payload->>'$.budget_mode' as budget_mode,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.create_time'") }} as created_ts,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.modify_time'") }} as modified_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__tiktok_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.adgroup_id' as ad_group_id,
    m.raw_data_payload->>'$.adgroup_name' as ad_group_name,
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.advertiser_id' as advertiser_id,
    m.raw_data_payload->>'$.placement_type' as placement_type,
    from_json(m.raw_data_payload->'$.placements', '["VARCHAR"]') as placements,
    m.raw_data_payload->>'$.operation_status' as operation_status,
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
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.ad_id' as ad_id,
    m.raw_data_payload->>'$.ad_name' as ad_name,
    m.raw_data_payload->>'$.adgroup_id' as ad_group_id,
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.advertiser_id' as advertiser_id,
    m.raw_data_payload->>'$.landing_page_url' as landing_page_url,
    m.raw_data_payload->>'$.call_to_action' as call_to_action,
    m.raw_data_payload->>'$.operation_status' as operation_status,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.create_time'") }} as created_ts,
    {{ gata_ads_tiktok_ts("m.raw_data_payload->>'$.modify_time'") }} as modified_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__tiktok_ads_api_v1__ads_reports_daily(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    coalesce(m.raw_data_payload->>'$.dimensions.ad_id', m.raw_data_payload->>'$.ad_id') as ad_id,
    {{ gata_ads_tiktok_ts("coalesce(m.raw_data_payload->>'$.dimensions.stat_time_day', m.raw_data_payload->>'$.stat_time_day')") }}::date
        as report_date,
    m.raw_data_payload->>'$.metrics.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.metrics.campaign_name' as campaign_name,
    m.raw_data_payload->>'$.metrics.adgroup_id' as ad_group_id,
    m.raw_data_payload->>'$.metrics.adgroup_name' as ad_group_name,
    m.raw_data_payload->>'$.metrics.ad_name' as ad_name,
    m.raw_data_payload->>'$.metrics.currency' as currency,
    (m.raw_data_payload->>'$.metrics.spend')::decimal(18,2) as spend,
    (m.raw_data_payload->>'$.metrics.impressions')::bigint as impressions,
    (m.raw_data_payload->>'$.metrics.clicks')::bigint as clicks,
    -- ctr in percent; cpc and cpm in the account currency
    (m.raw_data_payload->>'$.metrics.ctr')::double as ctr_pct,
    (m.raw_data_payload->>'$.metrics.cpc')::double as cpc,
    (m.raw_data_payload->>'$.metrics.cpm')::double as cpm,
    (m.raw_data_payload->>'$.metrics.conversion')::double as optimization_conversions,
    (m.raw_data_payload->>'$.metrics.complete_payment')::double as complete_payments,
    -- despite its name, total_complete_payment_rate is the value of the complete payments
    (m.raw_data_payload->>'$.metrics.total_complete_payment_rate')::decimal(18,2) as complete_payment_value,
    (m.raw_data_payload->>'$.metrics.total_purchase_value')::decimal(18,2) as total_purchase_value
from {{ slice }} as m
{%- endmacro %}
