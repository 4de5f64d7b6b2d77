{#-
  The paid-ads engine, one for all seven platforms. Each platform's extraction emits the canonical columns of
  its objects' roles (extract/paid_ads/_common.sql) and the catalog names which object plays which role, so
  what is left here is the same for every platform: the daily report joined by id to the entities the
  connector has (campaigns, ad groups, ads, accounts) for names, account and currency, then the derived
  columns (reporting-currency amounts, keys, lineage).
-#}

{#- Platform status -> 'active' or 'paused'. Anything not serving (archived, removed, disabled) is paused. -#}
{% macro gata_ads_status(expr) -%}
case when upper({{ expr }}) in ('ACTIVE', 'ENABLED', 'ENABLE') then 'active' else 'paused' end
{%- endmacro %}

{#- dim_campaigns.campaign_key; fct_ad_performance.campaign_key uses the same formula (relationships test). -#}
{% macro gata_ads_campaign_key(platform, campaign_id) -%}
{{ platform }} || '|' || {{ campaign_id }}
{%- endmacro %}

{#-
  The rows of the object playing `role` for the connector: the given columns (canonical, or the metadata
  tenant_slug and source_platform) and the load id. A connector without the role (LinkedIn has no ad groups)
  gets the same columns, typed, and no rows; every connector has a report (the catalog validates it).
-#}
{% macro gata_ads_role_rows(tenant, connector, role, columns) -%}
{%- set object_name = gata_ads_role_object(connector, role) -%}
{%- set types = dict(gata_ads_role_columns(role), tenant_slug='varchar', source_platform='varchar') -%}
{%- if object_name is none and role == 'report' -%}
{{ exceptions.raise_compiler_error("paid-ads connector " ~ connector ~ " has no object with role report") }}
{%- elif object_name is none -%}
    -- {{ connector }} has no object with role {{ role }}
    select
        {%- for name in columns %}
        cast(null as {{ types[name] }}) as {{ name }},
        {%- endfor %}
        cast(null as varchar) as _dlt_load_id
    where false
{%- else -%}
    select {{ columns | join(', ') }}, _dlt_load_id from {{ gata_int(tenant, connector, object_name) }}
{%- endif -%}
{%- endmacro %}

{#-
  fct_ad_performance: one row per report row. Names come from the report where it states them, else from
  the entities; the account from the report, else its campaign, ad group or ad; the currency from the
  report, else the account, else the campaign. Spend and conversion value convert to the tenant's
  reporting currency at the report month's rate (fx_rates seed).
-#}
{% macro gata_engine_ad_performance(tenant, connector) -%}
{%- set report_columns = gata_ads_role_columns('report') | map('first') | list %}
with report as (
    {{ gata_ads_role_rows(tenant, connector, 'report', ['tenant_slug', 'source_platform'] + report_columns) }}
),

campaigns as (
    {{ gata_ads_role_rows(tenant, connector, 'campaigns', ['campaign_id', 'campaign_name', 'account_id', 'currency']) }}
),

ad_groups as (
    {{ gata_ads_role_rows(tenant, connector, 'ad_groups', ['ad_group_id', 'ad_group_name', 'account_id']) }}
),

ads as (
    {{ gata_ads_role_rows(tenant, connector, 'ads', ['ad_id', 'ad_name', 'account_id']) }}
),

accounts as (
    {{ gata_ads_role_rows(tenant, connector, 'accounts', ['account_id', 'currency']) }}
),

named as (
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
        report.conversions_value,
        report.currency as reported_currency,
        coalesce(report.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(report.ad_group_name, ad_groups.ad_group_name) as ad_group_name,
        coalesce(report.ad_name, ads.ad_name) as ad_name,
        coalesce(report.account_id, campaigns.account_id, ad_groups.account_id, ads.account_id) as account_id,
        campaigns.currency as campaign_currency,
        report._dlt_load_id as report_load_id,
        campaigns._dlt_load_id as campaign_load_id,
        ad_groups._dlt_load_id as ad_group_load_id,
        ads._dlt_load_id as ad_load_id
    from report
    left join campaigns on campaigns.campaign_id = report.campaign_id
    left join ad_groups on ad_groups.ad_group_id = report.ad_group_id
    left join ads on ads.ad_id = report.ad_id
),

performance as (
    select
        named.tenant_slug,
        named.source_platform,
        named.report_date,
        named.campaign_id,
        named.ad_group_id,
        named.ad_id,
        named.spend,
        named.impressions,
        named.clicks,
        named.conversions,
        named.conversions_value,
        coalesce(named.reported_currency, accounts.currency, named.campaign_currency) as currency,
        named.account_id,
        named.campaign_name,
        named.ad_group_name,
        named.ad_name,
        {{ gata_load_ids(['named.report_load_id', 'named.campaign_load_id', 'named.ad_group_load_id',
                          'named.ad_load_id', 'accounts._dlt_load_id']) }} as source_load_ids
    from named
    left join accounts on accounts.account_id = named.account_id
)

select
    performance.*,
    {{ gata_to_reporting('performance.spend', 'performance.currency', 'performance.report_date',
                         tenant.reporting_currency) }} as spend_reporting,
    {{ gata_to_reporting('performance.conversions_value', 'performance.currency', 'performance.report_date',
                         tenant.reporting_currency) }} as conversions_value_reporting,
    '{{ tenant.reporting_currency }}' as reporting_currency,
    {{ gata_ads_campaign_key('performance.source_platform', 'performance.campaign_id') }} as campaign_key,
    performance.source_platform || '|' || performance.ad_id || '|' || strftime(performance.report_date, '%Y-%m-%d')
        as ad_performance_key
from performance
{%- endmacro %}

{#-
  dim_campaigns: every campaign entity. Currency: the campaign's own, else its account's, else the latest
  the report states for its account, else for the campaign; a campaign with no account at all (Amazon: one
  profile per connector) takes the connector's. Creation time: the campaign's, else its ad groups' earliest
  start (Bing).
-#}
{% macro gata_engine_campaigns(tenant, connector) -%}
{%- set campaign_columns = gata_ads_role_columns('campaigns') | map('first') | list %}
with campaigns as (
    {{ gata_ads_role_rows(tenant, connector, 'campaigns', ['tenant_slug', 'source_platform'] + campaign_columns) }}
),

accounts as (
    {{ gata_ads_role_rows(tenant, connector, 'accounts', ['account_id', 'currency']) }}
),

ad_groups as (
    {{ gata_ads_role_rows(tenant, connector, 'ad_groups', ['campaign_id', 'start_date']) }}
),

report as (
    {{ gata_ads_role_rows(tenant, connector, 'report', ['report_date', 'campaign_id', 'account_id', 'currency']) }}
),

-- every report row with its account: the report's own, else its campaign's (paused campaigns, which have
-- no rows, share their account's currency)
reported as (
    select
        coalesce(report.account_id, campaigns.account_id) as account_id,
        report.campaign_id,
        report.report_date,
        report.currency
    from report
    left join campaigns on campaigns.campaign_id = report.campaign_id
),

account_currency as (
    select account_id, arg_max(currency, report_date) as currency from reported group by account_id
),

campaign_currency as (
    select campaign_id, arg_max(currency, report_date) as currency from reported group by campaign_id
),

connector_currency as (
    select arg_max(currency, report_date) as currency from reported
),

campaign_start as (
    select campaign_id, min(start_date) as start_date from ad_groups group by campaign_id
),

campaign as (
    select
        campaigns.tenant_slug,
        campaigns.source_platform,
        campaigns.campaign_id,
        campaigns.campaign_name,
        {{ gata_ads_status('campaigns.status') }} as campaign_status,
        campaigns.account_id,
        campaigns.objective,
        campaigns.daily_budget,
        coalesce(
            campaigns.currency,
            accounts.currency,
            account_currency.currency,
            campaign_currency.currency,
            case when campaigns.account_id is null then connector_currency.currency end
        ) as currency,
        coalesce(campaigns.created_ts, campaign_start.start_date::timestamp) as created_ts,
        {{ gata_load_ids(['campaigns._dlt_load_id', 'accounts._dlt_load_id']) }} as source_load_ids
    from campaigns
    left join accounts on accounts.account_id = campaigns.account_id
    left join account_currency on account_currency.account_id = campaigns.account_id
    left join campaign_currency on campaign_currency.campaign_id = campaigns.campaign_id
    left join campaign_start on campaign_start.campaign_id = campaigns.campaign_id
    cross join connector_currency
)

select
    campaign.*,
    {{ gata_ads_campaign_key('campaign.source_platform', 'campaign.campaign_id') }} as campaign_key
from campaign
{%- endmacro %}
