{#-
  Factories: each star table of a tenant is the UNION ALL of one engine over the tenant's enabled sources in
  the table's domain, projected onto the contract. Every domain has one engine serving all its connectors
  (each connector's extraction already speaks the domain's canonical columns): paid ads
  (engines/paid_ads/_common.sql), shops (engines/ecommerce/_common.sql), analytics tools
  (engines/analytics/_common.sql: sessions cut per tool by its logic, events). A tenant without the domain
  gets a typed empty table. dim_users is built by the identity resolver (engines/analytics/identity.sql).
-#}
{% macro gata_fct_ad_performance(tenant) -%}
{{ gata_factory('fct_ad_performance', tenant, 'paid_ads', gata_engine_ad_performance) }}
{%- endmacro %}

{% macro gata_dim_campaigns(tenant) -%}
{{ gata_factory('dim_campaigns', tenant, 'paid_ads', gata_engine_campaigns) }}
{%- endmacro %}

{% macro gata_fct_orders(tenant) -%}
{{ gata_factory('fct_orders', tenant, 'ecommerce', gata_ecom_orders_engine) }}
{%- endmacro %}

{% macro gata_fct_sessions(tenant) -%}
{{ gata_factory('fct_sessions', tenant, 'analytics', gata_an_sessions) }}
{%- endmacro %}

{% macro gata_fct_events(tenant) -%}
{{ gata_factory('fct_events', tenant, 'analytics', gata_an_events) }}
{%- endmacro %}
