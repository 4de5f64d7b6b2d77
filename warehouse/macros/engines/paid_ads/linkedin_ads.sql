{#-
  LinkedIn Ads: campaign_id is the LinkedIn campaign, ad_id the sponsored creative (from the CREATIVE
  pivot's URN); LinkedIn has no ad group level, so ad_group_id and ad_group_name stay null, and creatives
  carry no name in our data. Names, account and currency come from the campaign entity.
-#}

{% macro gata_engine_ad_performance__linkedin_ads(tenant, connector) -%}
{%- set rows -%}
    with creative_analytics as (
        select * from {{ gata_int(tenant, connector, 'ad_analytics') }}
    ),

    campaigns as (
        select campaign_id, campaign_name, account_id, currency, _dlt_load_id
        from {{ gata_int(tenant, connector, 'campaigns') }}
    )

    select
        creative_analytics.tenant_slug,
        creative_analytics.source_platform,
        creative_analytics.report_date,
        creative_analytics.campaign_id,
        null::varchar as ad_group_id,
        creative_analytics.creative_id as ad_id,
        creative_analytics.spend,
        creative_analytics.impressions,
        creative_analytics.clicks,
        creative_analytics.conversions,
        creative_analytics.conversions_value,
        campaigns.currency,
        campaigns.account_id,
        campaigns.campaign_name,
        null::varchar as ad_group_name,
        null::varchar as ad_name,
        {{ gata_load_ids(['creative_analytics._dlt_load_id', 'campaigns._dlt_load_id']) }} as source_load_ids
    from creative_analytics
    left join campaigns on campaigns.campaign_id = creative_analytics.campaign_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_engine_campaigns__linkedin_ads(tenant, connector) -%}
{%- set rows -%}
    select
        tenant_slug,
        source_platform,
        campaign_id,
        campaign_name,
        {{ gata_ads_status('status') }} as campaign_status,
        account_id,
        objective_type as objective,
        daily_budget,
        currency,
        created_ts,
        {{ gata_load_ids(['_dlt_load_id']) }} as source_load_ids
    from {{ gata_int(tenant, connector, 'campaigns') }}
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}
