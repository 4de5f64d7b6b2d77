{#-
  Meta (Facebook Ads; Instagram Ads uses the same engine, see instagram_ads.sql). Vocabulary: Meta's ad
  set is the ad group. Conversions are the tenant's conversion_action_types, already applied when the
  insights were extracted. Campaign entities carry no currency: it is the account's, from the insights.
-#}

{% macro gata_ads_meta_ad_performance(tenant, connector) -%}
{%- set rows -%}
    with insights as (
        select * from {{ gata_int(tenant, connector, 'facebook_insights') }}
    ),

    campaigns as (
        select campaign_id, campaign_name, _dlt_load_id from {{ gata_int(tenant, connector, 'campaigns') }}
    )

    select
        insights.tenant_slug,
        insights.source_platform,
        insights.report_date,
        insights.campaign_id,
        insights.ad_set_id as ad_group_id,
        insights.ad_id,
        insights.spend,
        insights.impressions,
        insights.clicks,
        insights.conversions,
        insights.conversions_value,
        insights.account_currency as currency,
        insights.account_id,
        coalesce(insights.campaign_name, campaigns.campaign_name) as campaign_name,
        insights.ad_set_name as ad_group_name,
        insights.ad_name,
        {{ gata_load_ids(['insights._dlt_load_id', 'campaigns._dlt_load_id']) }} as source_load_ids
    from insights
    left join campaigns on campaigns.campaign_id = insights.campaign_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_ads_meta_campaigns(tenant, connector) -%}
{%- set rows -%}
    with campaigns as (
        select * from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    -- the account currency, as the latest insights state it (paused campaigns share their account's)
    account_currency as (
        select account_id, arg_max(account_currency, report_date) as currency
        from {{ gata_int(tenant, connector, 'facebook_insights') }}
        group by account_id
    )

    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.status') }} as campaign_status,
        campaigns.account_id,
        campaigns.objective,
        campaigns.daily_budget,
        account_currency.currency,
        campaigns.created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join account_currency on account_currency.account_id = campaigns.account_id
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}

{% macro gata_engine_ad_performance__facebook_ads(tenant, connector) -%}
{{ gata_ads_meta_ad_performance(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_campaigns__facebook_ads(tenant, connector) -%}
{{ gata_ads_meta_campaigns(tenant, connector) }}
{%- endmacro %}
