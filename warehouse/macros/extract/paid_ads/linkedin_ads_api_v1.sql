{#-
  LinkedIn Marketing API 202401: campaigns and adAnalytics rows. Entities point at each other with URNs
  ("urn:li:sponsoredCampaign:123"), times are epoch milliseconds, money is a decimal string. LinkedIn has
  no ad groups: an analytics row pivoted by CREATIVE also names its campaign in pivotValues.
-#}

{#- The id of the first URN of a kind in a JSON array of URNs (null when none). -#}
{% macro gata_ads_linkedin_urn_id(array_expr, kind) -%}
split_part(list_filter(
    from_json({{ array_expr }}, '["VARCHAR"]'), urn -> starts_with(urn, 'urn:li:{{ kind }}:')
)[1], ':', 4)
{%- endmacro %}

{#- The id of one URN when it is of the kind (null otherwise). -#}
{% macro gata_ads_linkedin_urn(expr, kind) -%}
case when starts_with({{ expr }}, 'urn:li:{{ kind }}:') then split_part({{ expr }}, ':', 4) end
{%- endmacro %}

{% macro gata_extract__linkedin_ads_api_v1__campaigns(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    m.raw_data_payload->>'$.id' as campaign_id,
    m.raw_data_payload->>'$.name' as campaign_name,
    m.raw_data_payload->>'$.status' as status,
    {{ gata_ads_linkedin_urn("m.raw_data_payload->>'$.account'", 'sponsoredAccount') }} as account_id,
    {{ gata_ads_linkedin_urn("m.raw_data_payload->>'$.campaignGroup'", 'sponsoredCampaignGroup') }}
        as campaign_group_id,
    m.raw_data_payload->>'$.type' as campaign_type,
    m.raw_data_payload->>'$.costType' as cost_type,
    m.raw_data_payload->>'$.objectiveType' as objective_type,
    m.raw_data_payload->>'$.format' as format,
    m.raw_data_payload->>'$.locale.country' as locale_country,
    m.raw_data_payload->>'$.locale.language' as locale_language,
    (m.raw_data_payload->>'$.dailyBudget.amount')::decimal(18,2) as daily_budget,
    -- the account currency: LinkedIn names it on every amount
    m.raw_data_payload->>'$.dailyBudget.currencyCode' as currency,
    (m.raw_data_payload->>'$.unitCost.amount')::decimal(18,2) as unit_cost,
    epoch_ms((m.raw_data_payload->>'$.changeAuditStamps.created.time')::bigint) as created_ts,
    epoch_ms((m.raw_data_payload->>'$.changeAuditStamps.lastModified.time')::bigint) as last_modified_ts,
    epoch_ms((m.raw_data_payload->>'$.runSchedule.start')::bigint) as run_start_ts,
    from_json(m.raw_data_payload->'$.servingStatuses', '["VARCHAR"]') as serving_statuses
from {{ slice }} as m
{%- endmacro %}

{#- Shared by both analytics finders: the date, the pivots and the metrics. -#}
{% macro gata_ads_linkedin_analytics_columns() -%}
    (m.raw_data_payload->>'$.start_date')::date as report_date,
    m.raw_data_payload->>'$.pivotValue' as pivot_value,
    {{ gata_ads_linkedin_urn_id("m.raw_data_payload->'$.pivotValues'", 'sponsoredCampaign') }} as campaign_id,
    (m.raw_data_payload->>'$.impressions')::bigint as impressions,
    (m.raw_data_payload->>'$.clicks')::bigint as clicks,
    (m.raw_data_payload->>'$.landingPageClicks')::bigint as landing_page_clicks,
    (m.raw_data_payload->>'$.externalWebsiteConversions')::double as conversions,
    (m.raw_data_payload->>'$.costInLocalCurrency')::decimal(18,2) as spend,
    (m.raw_data_payload->>'$.costInUsd')::decimal(18,2) as spend_usd,
    (m.raw_data_payload->>'$.conversionValueInLocalCurrency')::decimal(18,2) as conversions_value
{%- endmacro %}

{#- Pivoted by CREATIVE (then CAMPAIGN): one row per creative and day. -#}
{% macro gata_extract__linkedin_ads_api_v1__ad_analytics(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_linkedin_urn("m.raw_data_payload->>'$.pivotValue'", 'sponsoredCreative') }} as creative_id,
    {{ gata_ads_linkedin_analytics_columns() }}
from {{ slice }} as m
{%- endmacro %}

{#- Pivoted by CAMPAIGN: one row per campaign and day (the sums of its creatives). -#}
{% macro gata_extract__linkedin_ads_api_v1__ad_analytics_by_campaign(tenant, connector, slice) -%}
select
    {{ gata_int_metadata() }},
    {{ gata_ads_linkedin_analytics_columns() }}
from {{ slice }} as m
{%- endmacro %}
