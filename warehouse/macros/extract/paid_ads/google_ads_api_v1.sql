{#-
  Google Ads API v16: GAQL rows flattened to dotted keys ("campaign.id", "segments.date"), so every JSON
  path quotes its key. Ids are int64 numbers (kept as text), money is in micros of the account currency.
-#}

{#- micros of a currency -> decimal(18,2) in that currency (exact decimal arithmetic, rounded to cents) -#}
{% macro gata_ads_google_micros(expr) -%}
(({{ expr }})::decimal(38,0) * 0.000001)::decimal(18,2)
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__customers(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$."customer.id"' as customer_id,
    m.raw_data_payload->>'$."customer.resource_name"' as resource_name,
    m.raw_data_payload->>'$."customer.descriptive_name"' as customer_name,
    m.raw_data_payload->>'$."customer.currency_code"' as currency,
    m.raw_data_payload->>'$."customer.time_zone"' as time_zone,
    (m.raw_data_payload->>'$."customer.auto_tagging_enabled"')::boolean as auto_tagging_enabled,
    (m.raw_data_payload->>'$."customer.manager"')::boolean as is_manager
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$."customer.id"' as customer_id,
    m.raw_data_payload->>'$."campaign.id"' as campaign_id,
    m.raw_data_payload->>'$."campaign.resource_name"' as resource_name,
    m.raw_data_payload->>'$."campaign.name"' as campaign_name,
    m.raw_data_payload->>'$."campaign.status"' as status,
    m.raw_data_payload->>'$."campaign.advertising_channel_type"' as advertising_channel_type,
    m.raw_data_payload->>'$."campaign.bidding_strategy_type"' as bidding_strategy_type,
    (m.raw_data_payload->>'$."campaign.start_date"')::date as start_date,
    -- 2037-12-30 is Google's "no end date"
    nullif((m.raw_data_payload->>'$."campaign.end_date"')::date, date '2037-12-30') as end_date,
    {{ gata_ads_google_micros("m.raw_data_payload->>'$.\"campaign_budget.amount_micros\"'") }} as daily_budget,
    m.raw_data_payload->>'$."campaign_budget.resource_name"' as budget_resource_name
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$."customer.id"' as customer_id,
    m.raw_data_payload->>'$."campaign.id"' as campaign_id,
    m.raw_data_payload->>'$."ad_group.id"' as ad_group_id,
    m.raw_data_payload->>'$."ad_group.resource_name"' as resource_name,
    m.raw_data_payload->>'$."ad_group.name"' as ad_group_name,
    m.raw_data_payload->>'$."ad_group.status"' as status,
    m.raw_data_payload->>'$."ad_group.type"' as ad_group_type,
    {{ gata_ads_google_micros("m.raw_data_payload->>'$.\"ad_group.cpc_bid_micros\"'") }} as cpc_bid
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$."customer.id"' as customer_id,
    m.raw_data_payload->>'$."campaign.id"' as campaign_id,
    m.raw_data_payload->>'$."ad_group.id"' as ad_group_id,
    m.raw_data_payload->>'$."ad_group_ad.ad.id"' as ad_id,
    m.raw_data_payload->>'$."ad_group_ad.resource_name"' as resource_name,
    m.raw_data_payload->>'$."ad_group_ad.ad.name"' as ad_name,
    m.raw_data_payload->>'$."ad_group_ad.ad.type"' as ad_type,
    from_json(m.raw_data_payload->'$."ad_group_ad.ad.final_urls"', '["VARCHAR"]') as final_urls,
    m.raw_data_payload->>'$."ad_group_ad.status"' as status,
    m.raw_data_payload->>'$."ad_group_ad.policy_summary.approval_status"' as approval_status
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__ad_performance(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$."segments.date"')::date as report_date,
    m.raw_data_payload->>'$."customer.id"' as customer_id,
    m.raw_data_payload->>'$."customer.descriptive_name"' as customer_name,
    m.raw_data_payload->>'$."customer.currency_code"' as currency,
    m.raw_data_payload->>'$."campaign.id"' as campaign_id,
    m.raw_data_payload->>'$."campaign.name"' as campaign_name,
    m.raw_data_payload->>'$."ad_group.id"' as ad_group_id,
    m.raw_data_payload->>'$."ad_group.name"' as ad_group_name,
    m.raw_data_payload->>'$."ad_group_ad.ad.id"' as ad_id,
    {{ gata_ads_google_micros("m.raw_data_payload->>'$.\"metrics.cost_micros\"'") }} as spend,
    (m.raw_data_payload->>'$."metrics.impressions"')::bigint as impressions,
    (m.raw_data_payload->>'$."metrics.clicks"')::bigint as clicks,
    -- ctr a fraction; average_cpc converted from micros to the account currency
    (m.raw_data_payload->>'$."metrics.ctr"')::double as ctr,
    (m.raw_data_payload->>'$."metrics.average_cpc"')::double / 1000000 as average_cpc,
    (m.raw_data_payload->>'$."metrics.conversions"')::double as conversions,
    (m.raw_data_payload->>'$."metrics.conversions_value"')::decimal(18,2) as conversions_value
from {{ slice }} as m
{%- endmacro %}
