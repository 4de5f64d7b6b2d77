{#-
  Raw totals of the paid-ads report objects, computed straight from the landed tables (not through the
  master or intermediate models), in the mart's units: spend in the account currency rounded to cents
  per row (as the mart stores it), impressions and clicks as counts. gata_reconciles_with_raw compares
  them with fct_ad_performance per source_platform.
-#}

{% macro gata_ads_raw(tenant_slug, connector, object_name) -%}
{{ source('raw_' ~ tenant_slug ~ '__' ~ connector, object_name) }}
{%- endmacro %}

{#- Meta (facebook_ads, instagram_ads): every insights number is a string. -#}
{% macro gata_ads_raw_total_meta(tenant_slug, connector, measure) -%}
{%- set expr = {
    'spend': 'sum(spend::decimal(18,2))',
    'impressions': 'sum(impressions::bigint)',
    'clicks': 'sum(clicks::bigint)'}[measure] -%}
select {{ expr }} as total from {{ gata_ads_raw(tenant_slug, connector, 'facebook_insights') }}
{%- endmacro %}

{% macro gata_raw_total__facebook_ads__spend(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'facebook_ads', 'spend') }}
{%- endmacro %}
{% macro gata_raw_total__facebook_ads__impressions(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'facebook_ads', 'impressions') }}
{%- endmacro %}
{% macro gata_raw_total__facebook_ads__clicks(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'facebook_ads', 'clicks') }}
{%- endmacro %}

{% macro gata_raw_total__instagram_ads__spend(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'instagram_ads', 'spend') }}
{%- endmacro %}
{% macro gata_raw_total__instagram_ads__impressions(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'instagram_ads', 'impressions') }}
{%- endmacro %}
{% macro gata_raw_total__instagram_ads__clicks(tenant_slug) -%}
{{ gata_ads_raw_total_meta(tenant_slug, 'instagram_ads', 'clicks') }}
{%- endmacro %}

{#- Google Ads: cost in micros, counts as numbers. -#}
{% macro gata_raw_total__google_ads__spend(tenant_slug) -%}
select sum(("metrics.cost_micros"::decimal(38,0) * 0.000001)::decimal(18,2)) as total
from {{ gata_ads_raw(tenant_slug, 'google_ads', 'ad_performance') }}
{%- endmacro %}
{% macro gata_raw_total__google_ads__impressions(tenant_slug) -%}
select sum("metrics.impressions")::bigint as total from {{ gata_ads_raw(tenant_slug, 'google_ads', 'ad_performance') }}
{%- endmacro %}
{% macro gata_raw_total__google_ads__clicks(tenant_slug) -%}
select sum("metrics.clicks")::bigint as total from {{ gata_ads_raw(tenant_slug, 'google_ads', 'ad_performance') }}
{%- endmacro %}

{#- Bing Ads: CSV report, every value text. -#}
{% macro gata_raw_total__bing_ads__spend(tenant_slug) -%}
select sum("Spend"::decimal(18,2)) as total
from {{ gata_ads_raw(tenant_slug, 'bing_ads', 'account_performance_report') }}
{%- endmacro %}
{% macro gata_raw_total__bing_ads__impressions(tenant_slug) -%}
select sum("Impressions"::bigint) as total
from {{ gata_ads_raw(tenant_slug, 'bing_ads', 'account_performance_report') }}
{%- endmacro %}
{% macro gata_raw_total__bing_ads__clicks(tenant_slug) -%}
select sum("Clicks"::bigint) as total
from {{ gata_ads_raw(tenant_slug, 'bing_ads', 'account_performance_report') }}
{%- endmacro %}

{#- LinkedIn Ads: the creative-pivoted analytics (the mart's grain), cost a decimal string. -#}
{% macro gata_raw_total__linkedin_ads__spend(tenant_slug) -%}
select sum("costInLocalCurrency"::decimal(18,2)) as total
from {{ gata_ads_raw(tenant_slug, 'linkedin_ads', 'ad_analytics') }}
{%- endmacro %}
{% macro gata_raw_total__linkedin_ads__impressions(tenant_slug) -%}
select sum("impressions")::bigint as total from {{ gata_ads_raw(tenant_slug, 'linkedin_ads', 'ad_analytics') }}
{%- endmacro %}
{% macro gata_raw_total__linkedin_ads__clicks(tenant_slug) -%}
select sum("clicks")::bigint as total from {{ gata_ads_raw(tenant_slug, 'linkedin_ads', 'ad_analytics') }}
{%- endmacro %}

{#- Amazon Ads: cost a JSON number of the budget currency. -#}
{% macro gata_raw_total__amazon_ads__spend(tenant_slug) -%}
select sum("cost"::decimal(18,2)) as total
from {{ gata_ads_raw(tenant_slug, 'amazon_ads', 'advertised_product_report') }}
{%- endmacro %}
{% macro gata_raw_total__amazon_ads__impressions(tenant_slug) -%}
select sum("impressions")::bigint as total
from {{ gata_ads_raw(tenant_slug, 'amazon_ads', 'advertised_product_report') }}
{%- endmacro %}
{% macro gata_raw_total__amazon_ads__clicks(tenant_slug) -%}
select sum("clicks")::bigint as total
from {{ gata_ads_raw(tenant_slug, 'amazon_ads', 'advertised_product_report') }}
{%- endmacro %}

{#- TikTok Ads: the metrics object holds every value as a string. -#}
{% macro gata_raw_total__tiktok_ads__spend(tenant_slug) -%}
select sum(("metrics"->>'$.spend')::decimal(18,2)) as total
from {{ gata_ads_raw(tenant_slug, 'tiktok_ads', 'ads_reports_daily') }}
{%- endmacro %}
{% macro gata_raw_total__tiktok_ads__impressions(tenant_slug) -%}
select sum(("metrics"->>'$.impressions')::bigint) as total
from {{ gata_ads_raw(tenant_slug, 'tiktok_ads', 'ads_reports_daily') }}
{%- endmacro %}
{% macro gata_raw_total__tiktok_ads__clicks(tenant_slug) -%}
select sum(("metrics"->>'$.clicks')::bigint) as total
from {{ gata_ads_raw(tenant_slug, 'tiktok_ads', 'ads_reports_daily') }}
{%- endmacro %}
