{#-
  Google Ads: the ad_performance report names the customer, campaign and ad group; the ad's name comes
  from the ads entity. Campaign currency is the customer's. Google has no campaign creation time: the
  campaign's start date stands in for created_ts.
-#}

{% macro gata_engine_ad_performance__google_ads(tenant, connector) -%}
{%- set rows -%}
    with ad_performance as (
        select * from {{ gata_int(tenant, connector, 'ad_performance') }}
    ),

    campaigns as (
        select campaign_id, campaign_name, _dlt_load_id from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    ad_groups as (
        select ad_group_id, ad_group_name, _dlt_load_id from {{ gata_int(tenant, connector, 'ad_groups') }}
    ),

    ads as (
        select ad_id, ad_name, _dlt_load_id from {{ gata_int(tenant, connector, 'ads') }}
    )

    select
        ad_performance.tenant_slug,
        ad_performance.source_platform,
        ad_performance.report_date,
        ad_performance.campaign_id,
        ad_performance.ad_group_id,
        ad_performance.ad_id,
        ad_performance.spend,
        ad_performance.impressions,
        ad_performance.clicks,
        ad_performance.conversions,
        ad_performance.conversions_value,
        ad_performance.currency,
        ad_performance.customer_id as account_id,
        coalesce(ad_performance.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(ad_performance.ad_group_name, ad_groups.ad_group_name) as ad_group_name,
        ads.ad_name,
        {{ gata_load_ids(['ad_performance._dlt_load_id',
                          'campaigns._dlt_load_id', 'ad_groups._dlt_load_id', 'ads._dlt_load_id']) }} as source_load_ids
    from ad_performance
    left join campaigns on campaigns.campaign_id = ad_performance.campaign_id
    left join ad_groups on ad_groups.ad_group_id = ad_performance.ad_group_id
    left join ads on ads.ad_id = ad_performance.ad_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_engine_campaigns__google_ads(tenant, connector) -%}
{%- set rows -%}
    with campaigns as (
        select * from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    customers as (
        select customer_id, currency, _dlt_load_id from {{ gata_int(tenant, connector, 'customers') }}
    ),

    -- the report states the currency too: used when the customer entity is missing
    reported_currency as (
        select customer_id, arg_max(currency, report_date) as currency
        from {{ gata_int(tenant, connector, 'ad_performance') }}
        group by customer_id
    )

    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.status') }} as campaign_status,
        campaigns.customer_id as account_id,
        campaigns.advertising_channel_type as objective,
        campaigns.daily_budget,
        coalesce(customers.currency, reported_currency.currency) as currency,
        campaigns.start_date::timestamp as created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id', 'customers._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join customers on customers.customer_id = campaigns.customer_id
    left join reported_currency on reported_currency.customer_id = campaigns.customer_id
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}
