{#-
  LinkedIn Marketing API 202401: campaigns and adAnalytics rows. Entities point at each other with URNs
  ("urn:li:sponsoredCampaign:123"), times are epoch milliseconds, money is a decimal string. LinkedIn has
  no ad groups: an analytics row pivoted by CREATIVE also names its campaign in pivotValues. Roles: campaigns
  (which carry the account and its currency), ad_analytics (report: ad = sponsored creative, which has no
  name in our data) and ad_analytics_by_campaign (campaign_report).
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
    {{ gata_ads_canonical('campaigns', {
        'campaign_id': '$.id', 'campaign_name': '$.name', 'status': '$.status',
        'account_id': gata_ads_linkedin_urn("m.raw_data_payload->>'$.account'", 'sponsoredAccount'),
        'objective': '$.objectiveType',
        'daily_budget': '$.dailyBudget.amount', 'currency': '$.dailyBudget.currencyCode',
        'created_ts': "epoch_ms((m.raw_data_payload->>'$.changeAuditStamps.created.time')::bigint)",
    }) }},
    {{ gata_ads_linkedin_urn("m.raw_data_payload->>'$.campaignGroup'", 'sponsoredCampaignGroup') }}
        as campaign_group_id,
    m.raw_data_payload->>'$.type' as campaign_type,
    m.raw_data_payload->>'$.costType' as cost_type,
    m.raw_data_payload->>'$.format' as format,
    m.raw_data_payload->>'$.locale.country' as locale_country,
    m.raw_data_payload->>'$.locale.language' as locale_language,
    (m.raw_data_payload->>'$.unitCost.amount')::decimal(18,2) as unit_cost,
    epoch_ms((m.raw_data_payload->>'$.changeAuditStamps.lastModified.time')::bigint) as last_modified_ts,
    epoch_ms((m.raw_data_payload->>'$.runSchedule.start')::bigint) as run_start_ts,
    from_json(m.raw_data_payload->'$.servingStatuses', '["VARCHAR"]') as serving_statuses
from {{ slice }} as m
{%- endmacro %}

{#-
  Both analytics finders, in the report's canonical shape: the ad is the creative of the CREATIVE pivot
  (`ad_pivot`), none for the CAMPAIGN pivot. No account, currency or names: they are the campaign's.
-#}
{% macro gata_ads_linkedin_analytics(slice, role, ad_pivot) -%}
select
    {{ gata_ads_canonical(role, {
        'report_date': '$.start_date',
        'campaign_id': gata_ads_linkedin_urn_id("m.raw_data_payload->'$.pivotValues'", 'sponsoredCampaign'),
        'ad_id': gata_ads_linkedin_urn("m.raw_data_payload->>'$.pivotValue'", ad_pivot) if ad_pivot else none,
        'spend': '$.costInLocalCurrency', 'impressions': '$.impressions', 'clicks': '$.clicks',
        'conversions': '$.externalWebsiteConversions', 'conversions_value': '$.conversionValueInLocalCurrency',
    }) }},
    m.raw_data_payload->>'$.pivotValue' as pivot_value,
    (m.raw_data_payload->>'$.landingPageClicks')::bigint as landing_page_clicks,
    (m.raw_data_payload->>'$.costInUsd')::decimal(18,2) as spend_usd
from {{ slice }} as m
{%- endmacro %}

{#- Pivoted by CREATIVE (then CAMPAIGN): one row per creative and day. -#}
{% macro gata_extract__linkedin_ads_api_v1__ad_analytics(tenant, connector, slice) -%}
{{ gata_ads_linkedin_analytics(slice, 'report', 'sponsoredCreative') }}
{%- endmacro %}

{#- Pivoted by CAMPAIGN: one row per campaign and day (the sums of its creatives). -#}
{% macro gata_extract__linkedin_ads_api_v1__ad_analytics_by_campaign(tenant, connector, slice) -%}
{{ gata_ads_linkedin_analytics(slice, 'campaign_report', none) }}
{%- endmacro %}
