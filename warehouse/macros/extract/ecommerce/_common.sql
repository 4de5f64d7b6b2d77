{#-
  Helpers the three shop extractions share. Every helper is forgiving: a key missing from a record, an
  empty string or a malformed value yields NULL, never an error, so one odd record cannot fail a tenant.
-#}

{#- Text of a top-level (or nested, '$.a.b') key of the record; '' reads as missing. -#}
{% macro gata_ecom_text(path, payload='m.raw_data_payload') -%}
nullif({{ payload }}->>'{{ path }}', '')
{%- endmacro %}

{#- Money as decimal(18,2), whether the API spells it as a string ('12.3400') or a number. -#}
{% macro gata_ecom_money(expr) -%}
try_cast(nullif(trim(({{ expr }})::varchar), '') as decimal(18,2))
{%- endmacro %}

{#- ISO-8601 with an offset ('2024-03-01T10:04:05+02:00') as a UTC timestamp. -#}
{% macro gata_ecom_iso_utc(expr) -%}
timezone('UTC', try_cast(nullif({{ expr }}, '') as timestamptz))
{%- endmacro %}

{#- A query-string parameter of a URL or path, percent-decoded ('+' is a space in query strings). -#}
{% macro gata_ecom_query_param(url_expr, name) -%}
nullif(url_decode(replace(regexp_extract({{ url_expr }}, '[?&]{{ name }}=([^&#]*)', 1), '+', ' ')), '')
{%- endmacro %}

{#- Ids are varchar everywhere; 0 is how BigCommerce and WooCommerce spell "no customer" (guests). -#}
{% macro gata_ecom_customer_id(expr) -%}
case when coalesce(nullif(({{ expr }}), ''), '0') <> '0' then ({{ expr }}) end
{%- endmacro %}

{#- Normalised line items: [{product_id, sku, name, quantity, price}] (unit price before discount and tax),
    the same shape whichever shop, serialised once as JSON for the marts (NULL when the record has none). -#}
{% macro gata_ecom_line_items_json(lines) -%}
to_json({{ lines }})
{%- endmacro %}

{#- Units ordered: the line quantities added up. -#}
{% macro gata_ecom_line_item_units(lines) -%}
list_sum([coalesce(line.quantity, 0) for line in {{ lines }}])::integer
{%- endmacro %}

{#- Columns every orders intermediate model exposes, in this order (the engines read them by name). -#}
{% macro gata_ecom_order_columns() -%}
{{ return([
    'order_id', 'order_number', 'order_ts', 'updated_ts', 'cancelled_ts', 'customer_id', 'customer_email',
    'is_guest', 'currency', 'total_price', 'subtotal_price', 'total_discounts', 'total_tax', 'shipping_price',
    'refunded_amount', 'source_status', 'financial_status', 'fulfillment_status', 'line_items_json',
    'line_item_count', 'discount_code', 'billing_country_code', 'referring_site', 'landing_page',
    'landing_source', 'landing_medium', 'landing_campaign', 'landing_content', 'landing_campaign_id'
]) }}
{%- endmacro %}

{#- The shop's currency from configuration: the fallback when a record does not name its own. -#}
{% macro gata_ecom_config_currency(tenant, connector) -%}
{%- set currency = (tenant.sources[connector] or {}).get('currency') -%}
{{- "'" ~ currency ~ "'" if currency else 'null' -}}
{%- endmacro %}

{#- RFC-2822 ('Sat, 21 Jun 2025 11:08:38 +0000', BigCommerce v2) as a UTC timestamp. -#}
{% macro gata_ecom_rfc2822_utc(expr) -%}
timezone('UTC', try_strptime(nullif({{ expr }}, ''), '%a, %d %b %Y %H:%M:%S %z'))
{%- endmacro %}
