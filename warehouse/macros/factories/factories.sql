{#-
  Factories: each star table of a tenant is the UNION ALL of the engines of the tenant's enabled sources
  in the table's domain, projected onto the contract. A tenant without the domain gets a typed empty
  table. dim_users is built by the identity resolver (engines/analytics/identity.sql). Paid ads have one
  engine for every platform (engines/paid_ads/_common.sql); the other domains' engines are looked up by name.
-#}
{% macro gata_fct_ad_performance(tenant) -%}
{{ gata_factory('fct_ad_performance', tenant, 'paid_ads', engine=gata_engine_ad_performance) }}
{%- endmacro %}

{% macro gata_dim_campaigns(tenant) -%}
{{ gata_factory('dim_campaigns', tenant, 'paid_ads', engine=gata_engine_campaigns) }}
{%- endmacro %}

{% macro gata_fct_orders(tenant) -%}
{{ gata_factory('fct_orders', tenant, 'ecommerce', 'gata_engine_orders') }}
{%- endmacro %}

{% macro gata_fct_sessions(tenant) -%}
{{ gata_factory('fct_sessions', tenant, 'analytics', 'gata_engine_sessions') }}
{%- endmacro %}

{% macro gata_fct_events(tenant) -%}
{{ gata_factory('fct_events', tenant, 'analytics', 'gata_engine_events') }}
{%- endmacro %}
