{#-
  The orders engine every shop shares. Each shop's extraction already speaks the same language (typed
  columns, canonical financial_status, normalised line items), so what is left here is the tenant's
  revenue logic and the currency conversion, identical whichever shop the orders came from.
-#}

{#- Canonical statuses the tenant leaves out of revenue (logic.excluded_order_statuses). -#}
{% macro gata_ecom_excluded_statuses(tenant, connector) -%}
{%- set logic = (tenant.sources[connector] or {}).get('logic') or {} -%}
{%- if 'excluded_order_statuses' in logic and logic['excluded_order_statuses'] is not none -%}
{{ return(logic['excluded_order_statuses'] | list) }}
{%- endif -%}
{{ return(['cancelled']) }}
{%- endmacro %}

{% macro gata_ecom_orders_engine(tenant, connector) -%}
{%- set excluded = gata_ecom_excluded_statuses(tenant, connector) -%}
with orders as (
    select * from {{ gata_int(tenant, connector, 'orders') }}
),

revenue as (
    select
        orders.*,
        orders.order_ts::date as order_date,
        {%- if excluded | length > 0 %}
        orders.financial_status not in (
            {%- for status in excluded %}'{{ status | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        ) as is_revenue,
        {%- else %}
        true as is_revenue,
        {%- endif %}
        coalesce(orders.refunded_amount, 0) as refunded
    from orders
),

net as (
    select
        revenue.*,
        case when revenue.is_revenue then revenue.total_price - revenue.refunded else 0 end as net_revenue
    from revenue
)

select
    net.tenant_slug,
    net.source_platform,
    net.order_id,
    net.order_date,
    net.total_price,
    net.currency,
    net.financial_status,
    net.customer_email,
    net.customer_id,
    net.line_items_json,
    net.order_ts,
    net.updated_ts,
    net.subtotal_price,
    net.total_discounts,
    net.total_tax,
    net.shipping_price,
    net.refunded as refunded_amount,
    net.net_revenue,
    net.is_revenue,
    -- converted at the order month's rate (fx_rates seed)
    {{ gata_to_reporting('net.total_price', 'net.currency', 'net.order_date', tenant.reporting_currency) }}
        as total_price_reporting,
    {{ gata_to_reporting('net.net_revenue', 'net.currency', 'net.order_date', tenant.reporting_currency) }}
        as net_revenue_reporting,
    '{{ tenant.reporting_currency }}' as reporting_currency,
    net.line_item_count,
    net.fulfillment_status,
    net.landing_source,
    net.landing_medium,
    net.landing_campaign,
    net.source_platform || '|' || net.order_id as order_key,
    {{ gata_load_ids(['net._dlt_load_id']) }} as source_load_ids
from net
{%- endmacro %}
