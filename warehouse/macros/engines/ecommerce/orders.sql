{#-
  fct_orders engines, one per shop connector (the factory looks them up by name). The shops differ only
  in their extraction; the engine logic is shared (_common.sql).
-#}

{% macro gata_engine_orders__shopify(tenant, connector) -%}
{{ gata_ecom_orders_engine(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_orders__bigcommerce(tenant, connector) -%}
{{ gata_ecom_orders_engine(tenant, connector) }}
{%- endmacro %}

{% macro gata_engine_orders__woocommerce(tenant, connector) -%}
{{ gata_ecom_orders_engine(tenant, connector) }}
{%- endmacro %}
