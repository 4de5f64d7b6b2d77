{#-
  TikTok Ads: report metrics are strings, parsed at extraction. Conversions are complete payments
  (purchases) and their value. The report has no advertiser id: it is the campaign's. Currency of a
  campaign is its advertiser's, from the report rows.
-#}

{% macro gata_engine_ad_performance__tiktok_ads(tenant, connector) -%}
{%- set rows -%}
    with report as (
        select * from {{ gata_int(tenant, connector, 'ads_reports_daily') }}
    ),

    campaigns as (
        select campaign_id, campaign_name, advertiser_id, _dlt_load_id
        from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    ad_groups as (
        select ad_group_id, ad_group_name, _dlt_load_id from {{ gata_int(tenant, connector, 'ad_groups') }}
    ),

    ads as (
        select ad_id, ad_name, advertiser_id, _dlt_load_id from {{ gata_int(tenant, connector, 'ads') }}
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
        report.complete_payments as conversions,
        report.complete_payment_value as conversions_value,
        report.currency,
        coalesce(campaigns.advertiser_id, ads.advertiser_id) as account_id,
        coalesce(report.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(report.ad_group_name, ad_groups.ad_group_name) as ad_group_name,
        coalesce(report.ad_name, ads.ad_name) as ad_name,
        {{ gata_load_ids(['report._dlt_load_id',
                          'campaigns._dlt_load_id', 'ad_groups._dlt_load_id', 'ads._dlt_load_id']) }} as source_load_ids
    from report
    left join campaigns on campaigns.campaign_id = report.campaign_id
    left join ad_groups on ad_groups.ad_group_id = report.ad_group_id
    left join ads on ads.ad_id = report.ad_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_engine_campaigns__tiktok_ads(tenant, connector) -%}
{%- set rows -%}
    with campaigns as (
        select * from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    advertiser_currency as (
        select campaigns.advertiser_id, arg_max(report.currency, report.report_date) as currency
        from {{ gata_int(tenant, connector, 'ads_reports_daily') }} as report
        inner join campaigns on campaigns.campaign_id = report.campaign_id
        group by campaigns.advertiser_id
    )

    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.operation_status') }} as campaign_status,
        campaigns.advertiser_id as account_id,
        campaigns.objective_type as objective,
        case when campaigns.budget_mode = 'BUDGET_MODE_DAY' then campaigns.budget end as daily_budget,
        advertiser_currency.currency,
        campaigns.created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join advertiser_currency on advertiser_currency.advertiser_id = campaigns.advertiser_id
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}
