{#- Instagram Ads: the Meta Marketing API, same records as Facebook Ads (engine in facebook_ads.sql). -#}

{% macro gata_engine_ad_performance__instagram_ads(tenant, connector) -%}
{{ gata_ads_meta_ad_performance(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_campaigns__instagram_ads(tenant, connector) -%}
{{ gata_ads_meta_campaigns(tenant, connector) }}
{%- endmacro %}
