{#-
  Google Ads API v16: GAQL rows flattened to dotted keys ("campaign.id", "segments.date"), so every JSON
  path quotes its key. Ids are int64 numbers (kept as text), money is in micros of the account currency.
  Roles: customers (accounts), campaigns, ad groups, ads, ad_performance (report).
-#}

{#- micros of a currency -> decimal(18,2) in that currency (exact decimal arithmetic, rounded to cents) -#}
{% macro gata_ads_google_micros(expr) -%}
(({{ expr }})::decimal(38,0) * 0.000001)::decimal(18,2)
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__customers(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('accounts', {'account_id': '$."customer.id"', 'currency': '$."customer.currency_code"'}) }},
    m.raw_data_payload->>'$."customer.resource_name"' as resource_name,
    m.raw_data_payload->>'$."customer.descriptive_name"' as customer_name,
    m.raw_data_payload->>'$."customer.time_zone"' as time_zone,
    (m.raw_data_payload->>'$."customer.auto_tagging_enabled"')::boolean as auto_tagging_enabled,
    (m.raw_data_payload->>'$."customer.manager"')::boolean as is_manager
from {{ slice }} as m
{%- endmacro %}

{#- Google has no campaign creation time: the campaign's start date stands in. -#}
{% macro gata_extract__google_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$."campaign.id"', 'campaign_name': '$."campaign.name"', 'status': '$."campaign.status"',
        'account_id': '$."customer.id"', 'objective': '$."campaign.advertising_channel_type"',
        'daily_budget': gata_ads_google_micros(gata_ads_json('$."campaign_budget.amount_micros"')),
        'created_ts': gata_ads_json('$."campaign.start_date"') ~ '::date',
    }) }},
    m.raw_data_payload->>'$."campaign.resource_name"' as resource_name,
    m.raw_data_payload->>'$."campaign.bidding_strategy_type"' as bidding_strategy_type,
    (m.raw_data_payload->>'$."campaign.start_date"')::date as start_date,
    -- 2037-12-30 is Google's "no end date"
    nullif((m.raw_data_payload->>'$."campaign.end_date"')::date, date '2037-12-30') as end_date,
    m.raw_data_payload->>'$."campaign_budget.resource_name"' as budget_resource_name
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__ad_groups(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': '$."ad_group.id"', 'ad_group_name': '$."ad_group.name"',
        'campaign_id': '$."campaign.id"', 'account_id': '$."customer.id"', 'status': '$."ad_group.status"',
    }) }},
    m.raw_data_payload->>'$."ad_group.resource_name"' as resource_name,
    m.raw_data_payload->>'$."ad_group.type"' as ad_group_type,
    {{ gata_ads_google_micros("m.raw_data_payload->>'$.\"ad_group.cpc_bid_micros\"'") }} as cpc_bid
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__google_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ads', {
        'ad_id': '$."ad_group_ad.ad.id"', 'ad_name': '$."ad_group_ad.ad.name"',
        'ad_group_id': '$."ad_group.id"', 'campaign_id': '$."campaign.id"', 'account_id': '$."customer.id"',
        'status': '$."ad_group_ad.status"',
    }) }},
    m.raw_data_payload->>'$."ad_group_ad.resource_name"' as resource_name,
    m.raw_data_payload->>'$."ad_group_ad.ad.type"' as ad_type,
    from_json(m.raw_data_payload->'$."ad_group_ad.ad.final_urls"', '["VARCHAR"]') as final_urls,
    m.raw_data_payload->>'$."ad_group_ad.policy_summary.approval_status"' as approval_status
from {{ slice }} as m
{%- endmacro %}

{#- The ad performance report names customer, campaign and ad group; the ad's name is on the ads entity. -#}
{% macro gata_extract__google_ads_api_v1__ad_performance(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('report', {
        'report_date': '$."segments.date"', 'account_id': '$."customer.id"',
        'campaign_id': '$."campaign.id"', 'ad_group_id': '$."ad_group.id"', 'ad_id': '$."ad_group_ad.ad.id"',
        'spend': gata_ads_google_micros(gata_ads_json('$."metrics.cost_micros"')),
        'impressions': '$."metrics.impressions"', 'clicks': '$."metrics.clicks"',
        'conversions': '$."metrics.conversions"', 'conversions_value': '$."metrics.conversions_value"',
        'currency': '$."customer.currency_code"',
        'campaign_name': '$."campaign.name"', 'ad_group_name': '$."ad_group.name"',
    }) }},
    m.raw_data_payload->>'$."customer.descriptive_name"' as customer_name,
    -- ctr a fraction; average_cpc converted from micros to the account currency
    (m.raw_data_payload->>'$."metrics.ctr"')::double as ctr,
    (m.raw_data_payload->>'$."metrics.average_cpc"')::double / 1000000 as average_cpc
from {{ slice }} as m
{%- endmacro %}
