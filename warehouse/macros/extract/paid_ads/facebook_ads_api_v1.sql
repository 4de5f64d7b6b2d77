{#-
  Meta Marketing API v19.0 (facebook_ads and instagram_ads share it): typed fields out of the payload.
  Meta sends ids and every insights number as strings, money in the account currency ("12.34") but
  budgets in minor units ("5000"), times as '2024-03-01T10:04:05+0000', and conversions as the
  `actions` / `action_values` arrays keyed by action type (left out when nothing happened).
-#}

{#- Meta time '2024-03-01T10:04:05+0000' -> timestamp in UTC. -#}
{% macro gata_ads_meta_ts(expr) -%}
timezone('UTC', strptime({{ expr }}, '%Y-%m-%dT%H:%M:%S%z'))
{%- endmacro %}

{#- The action types a tenant counts as conversions on a Meta connector (tenant logic, else Meta's purchases). -#}
{% macro gata_ads_meta_action_types(tenant, connector) -%}
{%- set configured = tenant.sources[connector].logic.conversion_action_types -%}
{#- same default as gata.config.tenants.META_DEFAULT_ACTION_TYPES -#}
{%- set types = configured if configured is not none else
    ['offsite_conversion.fb_pixel_purchase', 'onsite_conversion.purchase'] -%}
{{ return(types) }}
{%- endmacro %}

{#- Sum of an action array's values over the given action types; 0 when none of them occurred. -#}
{% macro gata_ads_meta_action_sum(array_expr, action_types, value_type='double') -%}
coalesce(list_sum([
    action.value::{{ value_type }}
    for action in from_json({{ array_expr }}, '[{"action_type": "VARCHAR", "value": "VARCHAR"}]')
    {%- if action_types | length > 0 %}
    if action.action_type in ({% for t in action_types %}'{{ t | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
    {%- else %}
    if false
    {%- endif %}
]), 0)
{%- endmacro %}

{% macro gata_extract__facebook_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.id' as campaign_id,
    m.raw_data_payload->>'$.account_id' as account_id,
    m.raw_data_payload->>'$.name' as campaign_name,
    m.raw_data_payload->>'$.objective' as objective,
    m.raw_data_payload->>'$.status' as status,
    m.raw_data_payload->>'$.effective_status' as effective_status,
    m.raw_data_payload->>'$.configured_status' as configured_status,
    m.raw_data_payload->>'$.buying_type' as buying_type,
    m.raw_data_payload->>'$.bid_strategy' as bid_strategy,
    -- budgets come in minor units of the account currency
    ((m.raw_data_payload->>'$.daily_budget')::decimal(18,0) / 100)::decimal(18,2) as daily_budget,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.created_time'") }} as created_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.start_time'") }} as start_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__facebook_ads_api_v1__ad_sets(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.id' as ad_set_id,
    m.raw_data_payload->>'$.account_id' as account_id,
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.name' as ad_set_name,
    m.raw_data_payload->>'$.status' as status,
    m.raw_data_payload->>'$.effective_status' as effective_status,
    ((m.raw_data_payload->>'$.daily_budget')::decimal(18,0) / 100)::decimal(18,2) as daily_budget,
    m.raw_data_payload->>'$.billing_event' as billing_event,
    m.raw_data_payload->>'$.optimization_goal' as optimization_goal,
    m.raw_data_payload->>'$.destination_type' as destination_type,
    (m.raw_data_payload->>'$.targeting.age_min')::integer as target_age_min,
    (m.raw_data_payload->>'$.targeting.age_max')::integer as target_age_max,
    from_json(m.raw_data_payload->'$.targeting.geo_locations.countries', '["VARCHAR"]') as target_countries,
    from_json(m.raw_data_payload->'$.targeting.publisher_platforms', '["VARCHAR"]') as publisher_platforms,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.created_time'") }} as created_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.start_time'") }} as start_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__facebook_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.id' as ad_id,
    m.raw_data_payload->>'$.account_id' as account_id,
    m.raw_data_payload->>'$.adset_id' as ad_set_id,
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.name' as ad_name,
    m.raw_data_payload->>'$.status' as status,
    m.raw_data_payload->>'$.effective_status' as effective_status,
    m.raw_data_payload->>'$.creative.id' as creative_id,
    m.raw_data_payload->>'$.creative.name' as creative_name,
    m.raw_data_payload->>'$.creative.url_tags' as url_tags,
    m.raw_data_payload->>'$.creative.object_story_spec.link_data.link' as landing_url,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.created_time'") }} as created_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts
from {{ slice }} as m
{%- endmacro %}

{#- Insights: one row per ad and day; conversions follow the tenant's conversion_action_types. -#}
{% macro gata_extract__facebook_ads_api_v1__facebook_insights(tenant, connector, slice) -%}
{%- set action_types = gata_ads_meta_action_types(tenant, connector) -%}
select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.date_start')::date as report_date,
    (m.raw_data_payload->>'$.date_stop')::date as report_date_stop,
    m.raw_data_payload->>'$.account_id' as account_id,
    m.raw_data_payload->>'$.account_name' as account_name,
    m.raw_data_payload->>'$.account_currency' as account_currency,
    m.raw_data_payload->>'$.campaign_id' as campaign_id,
    m.raw_data_payload->>'$.campaign_name' as campaign_name,
    m.raw_data_payload->>'$.adset_id' as ad_set_id,
    m.raw_data_payload->>'$.adset_name' as ad_set_name,
    m.raw_data_payload->>'$.ad_id' as ad_id,
    m.raw_data_payload->>'$.ad_name' as ad_name,
    m.raw_data_payload->>'$.objective' as objective,
    m.raw_data_payload->>'$.publisher_platform' as publisher_platform,
    (m.raw_data_payload->>'$.impressions')::bigint as impressions,
    (m.raw_data_payload->>'$.reach')::bigint as reach,
    (m.raw_data_payload->>'$.frequency')::double as frequency,
    (m.raw_data_payload->>'$.clicks')::bigint as clicks,
    (m.raw_data_payload->>'$.spend')::decimal(18,2) as spend,
    (m.raw_data_payload->>'$.cpc')::double as cpc,
    (m.raw_data_payload->>'$.cpm')::double as cpm,
    -- ctr in percent, as Meta sends it
    (m.raw_data_payload->>'$.ctr')::double as ctr_pct,
    -- the tenant's conversion definition, applied here so every consumer counts the same actions
    {{ gata_ads_meta_action_sum("m.raw_data_payload->'$.actions'", action_types) }} as conversions,
    {{ gata_ads_meta_action_sum("m.raw_data_payload->'$.action_values'", action_types, 'decimal(18,2)') }}::decimal(18,2)
        as conversions_value
from {{ slice }} as m
{%- endmacro %}
