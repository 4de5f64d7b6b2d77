{#-
  Amazon Ads (Sponsored Products): spend is `cost`, conversions are 7-day purchases and their value
  7-day sales. Our records carry no advertiser (profile) id, so account_id stays null; a product ad has no
  name, its advertised ASIN names it. Campaign currency is the budget currency the report states.
-#}

{% macro gata_engine_ad_performance__amazon_ads(tenant, connector) -%}
{%- set rows -%}
    with report as (
        select * from {{ gata_int(tenant, connector, 'advertised_product_report') }}
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
        report.purchases_7d as conversions,
        report.sales_7d as conversions_value,
        report.currency,
        null::varchar as account_id,
        coalesce(report.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(report.ad_group_name, ad_groups.ad_group_name) as ad_group_name,
        report.advertised_asin as ad_name,
        {{ gata_load_ids(['report._dlt_load_id',
                          'campaigns._dlt_load_id', 'ad_groups._dlt_load_id']) }} as source_load_ids
    from report
    left join campaigns on campaigns.campaign_id = report.campaign_id
    left join ad_groups on ad_groups.ad_group_id = report.ad_group_id
{%- endset -%}
{{ gata_ads_performance(tenant, rows) }}
{%- endmacro %}

{% macro gata_engine_campaigns__amazon_ads(tenant, connector) -%}
{%- set rows -%}
    with campaigns as (
        select * from {{ gata_int(tenant, connector, 'campaigns') }}
    ),

    report as (
        select * from {{ gata_int(tenant, connector, 'advertised_product_report') }}
    ),

    campaign_currency as (
        select campaign_id, arg_max(currency, report_date) as currency from report group by campaign_id
    ),

    -- one profile per connector: campaigns without report rows (paused) share its currency
    profile_currency as (
        select arg_max(currency, report_date) as currency from report
    )

    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.state') }} as campaign_status,
        null::varchar as account_id,
        -- Sponsored Products campaigns have no objective
        null::varchar as objective,
        case when campaigns.budget_type = 'DAILY' then campaigns.budget end as daily_budget,
        coalesce(campaign_currency.currency, profile_currency.currency) as currency,
        -- no creation time in the v3 campaign: its start date stands in
        campaigns.start_date::timestamp as created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join campaign_currency on campaign_currency.campaign_id = campaigns.campaign_id
    cross join profile_currency
{%- endset -%}
{{ gata_ads_campaigns(rows) }}
{%- endmacro %}
