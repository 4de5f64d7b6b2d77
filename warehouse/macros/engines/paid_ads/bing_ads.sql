{#-
  Microsoft Advertising (Bing Ads): the ad performance report names account, campaign, ad group and ad
  (AdTitle). Campaign entities carry no currency (the account's, from the report) and no creation time
  (the earliest start date of their ad groups stands in).
-#}

{% macro gata_engine_ad_performance__bing_ads(tenant, connector) -%}
{%- set rows -%}
    with report as (
        select * from {{ gata_int(tenant, connector, 'account_performance_report') }}
    ),

    campaigns as (
        select campaign_id, campaign_name, _dlt_load_id from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    ad_groups as (
        select ad_group_id, ad_group_name, _dlt_load_id from {{ gata_int(tenant, connector, 'ad_groups') }}
    )

    select
        report.tenant_slug,
        report.source_platform,
        report.report_date,
        report.campaign_id,
        report.ad_group_id,
        report.ad_id,
        report.spend,
        report.impressions,
        report.clicks,
        report.conversions,
        report.revenue as conversions_value,
        report.currency,
        report.account_id,
        coalesce(report.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(report.ad_group_name, ad_groups.ad_group_name) as ad_group_name,
        report.ad_title as ad_name,
        {{ gata_load_ids(['report._dlt_load_id',
                          'campaigns._dlt_load_id', 'ad_groups._dlt_load_id']) }} as source_load_ids
    from report
    left join campaigns on campaigns.campaign_id = report.campaign_id
    left join ad_groups on ad_groups.ad_group_id = report.ad_group_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_engine_campaigns__bing_ads(tenant, connector) -%}
{%- set rows -%}
    with campaigns as (
        select * from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    account_currency as (
        select account_id, arg_max(currency, report_date) as currency
        from {{ gata_int(tenant, connector, 'account_performance_report') }}
        group by account_id
    ),

    campaign_start as (
        select campaign_id, min(start_date) as start_date
        from {{ gata_int(tenant, connector, 'ad_groups') }}
        group by campaign_id
    )

    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.status') }} as campaign_status,
        campaigns.account_id,
        campaigns.campaign_type as objective,
        -- every Bing budget type (standard, accelerated) is a daily budget
        campaigns.daily_budget,
        account_currency.currency,
        campaign_start.start_date::timestamp as created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join account_currency on account_currency.account_id = campaigns.account_id
    left join campaign_start on campaign_start.campaign_id = campaigns.campaign_id
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}
