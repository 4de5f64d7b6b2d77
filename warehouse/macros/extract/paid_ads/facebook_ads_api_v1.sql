{#-
  Meta Marketing API v19.0 (facebook_ads and instagram_ads share it): typed fields out of the payload.
  Meta sends ids and every insights number as strings, money in the account currency ("12.34") but
  budgets in minor units ("5000"), times as '2024-03-01T10:04:05+0000', and conversions as the
  `actions` / `action_values` arrays keyed by action type (left out when nothing happened). Roles: campaigns,
  ad sets (ad_groups), ads, insights (report).
-#}

{#- Meta time '2024-03-01T10:04:05+0000' -> timestamp in UTC. -#}
{% macro gata_ads_meta_ts(expr) -%}
timezone('UTC', strptime({{ expr }}, '%Y-%m-%dT%H:%M:%S%z'))
{%- endmacro %}

{#- Meta budgets come in minor units of the account currency ("5000" -> 50.00). -#}
{% macro gata_ads_meta_budget(expr) -%}
(({{ expr }})::decimal(18,0) / 100)::decimal(18,2)
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
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$.id', 'campaign_name': '$.name', 'status': '$.status', 'account_id': '$.account_id',
        'objective': '$.objective', 'daily_budget': gata_ads_meta_budget(gata_ads_json('$.daily_budget')),
        'created_ts': gata_ads_meta_ts(gata_ads_json('$.created_time')),
    }) }},
    m.raw_data_payload->>'$.effective_status' as effective_status,
    m.raw_data_payload->>'$.configured_status' as configured_status,
    m.raw_data_payload->>'$.buying_type' as buying_type,
    m.raw_data_payload->>'$.bid_strategy' as bid_strategy,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.start_time'") }} as start_ts
from {{ slice }} as m
{%- endmacro %}

{#- Meta's ad set is the ad group. -#}
{% macro gata_extract__facebook_ads_api_v1__ad_sets(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ad_groups', {
        'ad_group_id': '$.id', 'ad_group_name': '$.name', 'campaign_id': '$.campaign_id',
        'account_id': '$.account_id', 'status': '$.status',
        'start_date': gata_ads_meta_ts(gata_ads_json('$.start_time')),
    }) }},
    m.raw_data_payload->>'$.effective_status' as effective_status,
    {{ gata_ads_meta_budget("m.raw_data_payload->>'$.daily_budget'") }} as daily_budget,
    m.raw_data_payload->>'$.billing_event' as billing_event,
    m.raw_data_payload->>'$.optimization_goal' as optimization_goal,
    m.raw_data_payload->>'$.destination_type' as destination_type,
    (m.raw_data_payload->>'$.targeting.age_min')::integer as target_age_min,
    (m.raw_data_payload->>'$.targeting.age_max')::integer as target_age_max,
    from_json(m.raw_data_payload->'$.targeting.geo_locations.countries', '["VARCHAR"]') as target_countries,
    from_json(m.raw_data_payload->'$.targeting.publisher_platforms', '["VARCHAR"]') as publisher_platforms,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.created_time'") }} as created_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts
from {{ slice }} as m
{%- endmacro %}

{% macro gata_extract__facebook_ads_api_v1__ads(tenant, connector, slice) -%}
select
    {{ gata_ads_canonical('ads', {
        'ad_id': '$.id', 'ad_name': '$.name', 'ad_group_id': '$.adset_id', 'campaign_id': '$.campaign_id',
        'account_id': '$.account_id', 'status': '$.status',
    }) }},
    m.raw_data_payload->>'$.effective_status' as effective_status,
    m.raw_data_payload->>'$.creative.id' as creative_id,
    m.raw_data_payload->>'$.creative.name' as creative_name,
    m.raw_data_payload->>'$.creative.url_tags' as url_tags,
    m.raw_data_payload->>'$.creative.object_story_spec.link_data.link' as landing_url,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.created_time'") }} as created_ts,
    {{ gata_ads_meta_ts("m.raw_data_payload->>'$.updated_time'") }} as updated_ts
from {{ slice }} as m
{%- endmacro %}

{#- Insights: one row per ad and day; conversions follow the tenant's conversion_action_types, applied here so
    every consumer counts the same actions. -#}
{% macro gata_extract__facebook_ads_api_v1__facebook_insights(tenant, connector, slice) -%}
{%- set action_types = gata_ads_meta_action_types(tenant, connector) -%}
select
    {{ gata_ads_canonical('report', {
        'report_date': '$.date_start', 'account_id': '$.account_id',
        'campaign_id': '$.campaign_id', 'ad_group_id': '$.adset_id', 'ad_id': '$.ad_id',
        'spend': '$.spend', 'impressions': '$.impressions', 'clicks': '$.clicks',
        'conversions': gata_ads_meta_action_sum("m.raw_data_payload->'$.actions'", action_types),
        'conversions_value': gata_ads_meta_action_sum("m.raw_data_payload->'$.action_values'", action_types,
                                                      'decimal(18,2)'),
        'currency': '$.account_currency',
        'campaign_name': '$.campaign_name', 'ad_group_name': '$.adset_name', 'ad_name': '$.ad_name',
    }) }},
    (m.raw_data_payload->>'$.date_stop')::date as report_date_stop,
    m.raw_data_payload->>'$.account_name' as account_name,
    m.raw_data_payload->>'$.objective' as objective,
    m.raw_data_payload->>'$.publisher_platform' as publisher_platform,
    (m.raw_data_payload->>'$.reach')::bigint as reach,
    (m.raw_data_payload->>'$.frequency')::double as frequency,
    (m.raw_data_payload->>'$.cpc')::double as cpc,
    (m.raw_data_payload->>'$.cpm')::double as cpm,
    -- ctr in percent, as Meta sends it
    (m.raw_data_payload->>'$.ctr')::double as ctr_pct
from {{ slice }} as m
{%- endmacro %}
