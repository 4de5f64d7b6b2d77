{#-
  What the paid-ads engines share: the canonical campaign status, the keys, and the columns every
  engine derives the same way (reporting-currency amounts, keys), so the seven platforms agree.
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
  fct_ad_performance from an engine's rows. `rows` is a query with: tenant_slug, source_platform,
  report_date, campaign_id, ad_group_id, ad_id, spend, impressions, clicks, conversions,
  conversions_value, currency, account_id, campaign_name, ad_group_name, ad_name, source_load_ids. Adds
  the reporting
  currency amounts (fx rate of the report month) and the keys.
-#}
{% macro gata_ads_performance(tenant, rows) -%}
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
from (
{{ rows }}
) as performance
{%- endmacro %}

{#-
  dim_campaigns from an engine's rows. `rows` is a query with: tenant_slug, source_platform, campaign_id,
  campaign_name, campaign_status, account_id, objective, daily_budget, currency, created_ts,
  source_load_ids.
-#}
{% macro gata_ads_campaigns(rows) -%}
select
    campaign.*,
    {{ gata_ads_campaign_key('campaign.source_platform', 'campaign.campaign_id') }} as campaign_key
from (
{{ rows }}
) as campaign
{%- endmacro %}
