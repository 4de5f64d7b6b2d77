{#-
  Raw totals of the shops' orders, straight from the landed tables (not through master or intermediate
  models), for the gata_reconciles_with_raw test. Landing keeps one row per order id, so a count is the
  number of orders; total_price is the order total before refunds in the shop currency, as each API
  spells it.
-#}

{% macro gata_ecom_raw_orders(tenant_slug, connector) -%}
{{ source('raw_' ~ tenant_slug ~ '__' ~ connector, 'orders') }}
{%- endmacro %}

{% macro gata_raw_total__shopify__order_count(tenant_slug) -%}
select count(*) as total from {{ gata_ecom_raw_orders(tenant_slug, 'shopify') }}
{%- endmacro %}

{% macro gata_raw_total__shopify__total_price(tenant_slug) -%}
select sum(total_price::decimal(18,2)) as total from {{ gata_ecom_raw_orders(tenant_slug, 'shopify') }}
{%- endmacro %}

{% macro gata_raw_total__bigcommerce__order_count(tenant_slug) -%}
select count(*) as total from {{ gata_ecom_raw_orders(tenant_slug, 'bigcommerce') }}
{%- endmacro %}

{% macro gata_raw_total__bigcommerce__total_price(tenant_slug) -%}
{#- v2 money has four decimals: rounded per order, as the mart stores it -#}
select sum(total_inc_tax::decimal(18,2)) as total from {{ gata_ecom_raw_orders(tenant_slug, 'bigcommerce') }}
{%- endmacro %}

{% macro gata_raw_total__woocommerce__order_count(tenant_slug) -%}
select count(*) as total from {{ gata_ecom_raw_orders(tenant_slug, 'woocommerce') }}
{%- endmacro %}

{% macro gata_raw_total__woocommerce__total_price(tenant_slug) -%}
select sum("total"::decimal(18,2)) as total from {{ gata_ecom_raw_orders(tenant_slug, 'woocommerce') }}
{%- endmacro %}
