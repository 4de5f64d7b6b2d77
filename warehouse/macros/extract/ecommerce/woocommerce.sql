{#-
  WooCommerce REST API v3 (master model family woocommerce_api_v1): orders and products. Money is a
  two-decimal string, dates carry no offset (`date_*_gmt` is UTC). Guests have customer_id 0 and the
  buyer's email in `billing`; the session's source is in the `_wc_order_attribution_*` meta keys.
-#}

{#- One `_wc_order_attribution_<name>` meta value of the parsed meta list (NULL when absent). -#}
{% macro gata_ecom_woo_attribution(meta, name) -%}
nullif(list_filter({{ meta }}, entry -> entry.key = '_wc_order_attribution_{{ name }}')[1].value, '')
{%- endmacro %}

{#- A `date_*_gmt` value (UTC, no offset), falling back to the site-local twin (the same when the site is
    on UTC, the only zone the API gives no offset for). -#}
{% macro gata_ecom_woo_time(name) -%}
coalesce(try_cast(nullif(m.raw_data_payload->>'$.{{ name }}_gmt', '') as timestamp),
         try_cast(nullif(m.raw_data_payload->>'$.{{ name }}', '') as timestamp))
{%- endmacro %}

{% macro gata_extract__woocommerce_api_v1__orders(tenant, connector, slice) -%}
with records as (
    -- nested arrays parsed once per order; line `price` is after discount, so the unit price before
    -- discount is derived from the line subtotal (quantity x unit price)
    select
        m.*,
        from_json(m.raw_data_payload->'$.line_items',
                  '[{"product_id": "varchar", "sku": "varchar", "name": "varchar", "quantity": "integer",
                     "subtotal": "decimal(18,2)"}]') as line_items,
        from_json(m.raw_data_payload->'$.refunds', '[{"total": "decimal(18,2)"}]') as refunds,
        from_json(m.raw_data_payload->'$.meta_data', '[{"key": "varchar", "value": "varchar"}]') as meta,
        lower(m.raw_data_payload->>'$.status') as shop_status,
        {{ gata_ecom_money("m.raw_data_payload->>'$.total'") }} as order_total
    from {{ slice }} as m
),

normalised as (
    select
        m.*,
        [{'product_id': li.product_id, 'sku': nullif(li.sku, ''), 'name': li.name, 'quantity': li.quantity,
          'price': case when li.quantity > 0 then round(li.subtotal / li.quantity, 2)::decimal(18,2) end}
         for li in m.line_items] as lines,
        -- refund totals are negative amounts
        coalesce(list_sum([abs(r.total) for r in m.refunds]), 0) as refunded_total,
        {{ gata_ecom_woo_attribution('m.meta', 'session_entry') }} as session_entry
    from records as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as order_id,
    coalesce({{ gata_ecom_text('$.number') }}, (m.raw_data_payload->>'$.id')) as order_number,
    {{ gata_ecom_woo_time('date_created') }} as order_ts,
    {{ gata_ecom_woo_time('date_modified') }} as updated_ts,
    -- WooCommerce keeps no cancellation time
    null::timestamp as cancelled_ts,
    {{ gata_ecom_customer_id("m.raw_data_payload->>'$.customer_id'") }} as customer_id,
    lower({{ gata_ecom_text('$.billing.email') }}) as customer_email,
    coalesce(m.raw_data_payload->>'$.customer_id', '0') = '0' as is_guest,
    coalesce({{ gata_ecom_text('$.currency') }}, {{ gata_ecom_config_currency(tenant, connector) }}) as currency,
    m.order_total as total_price,
    list_sum([li.subtotal for li in m.line_items]) as subtotal_price,
    {{ gata_ecom_money("m.raw_data_payload->>'$.discount_total'") }} as total_discounts,
    {{ gata_ecom_money("m.raw_data_payload->>'$.total_tax'") }} as total_tax,
    {{ gata_ecom_money("m.raw_data_payload->>'$.shipping_total'") }} as shipping_price,
    m.refunded_total as refunded_amount,
    m.shop_status as source_status,
    -- a partial refund keeps the order's status: the refunds tell it apart
    case
        when m.shop_status in ('cancelled', 'failed', 'trash') then 'cancelled'
        when m.shop_status = 'refunded' or (m.refunded_total > 0 and m.refunded_total >= m.order_total)
            then 'refunded'
        when m.refunded_total > 0 then 'partially_refunded'
        when m.shop_status in ('processing', 'completed') then 'paid'
        -- pending, on-hold, checkout-draft
        else 'pending'
    end as financial_status,
    case when m.shop_status = 'completed' or {{ gata_ecom_woo_time('date_completed') }} is not null
         then 'fulfilled' else 'unfulfilled' end as fulfillment_status,
    {{ gata_ecom_line_items_json('m.lines') }} as line_items_json,
    {{ gata_ecom_line_item_units('m.lines') }} as line_item_count,
    {{ gata_ecom_text('$.coupon_lines[0].code') }} as discount_code,
    {{ gata_ecom_text('$.billing.country') }} as billing_country_code,
    {{ gata_ecom_woo_attribution('m.meta', 'referrer') }} as referring_site,
    nullif(regexp_extract(m.session_entry, '^[a-z]+://[^/?#]+([^?#]*)', 1), '') as landing_page,
    {{ gata_ecom_woo_attribution('m.meta', 'utm_source') }} as landing_source,
    {{ gata_ecom_woo_attribution('m.meta', 'utm_medium') }} as landing_medium,
    {{ gata_ecom_woo_attribution('m.meta', 'utm_campaign') }} as landing_campaign,
    {{ gata_ecom_woo_attribution('m.meta', 'utm_content') }} as landing_content,
    {{ gata_ecom_woo_attribution('m.meta', 'utm_id') }} as landing_campaign_id
from normalised as m
{%- endmacro %}


{% macro gata_extract__woocommerce_api_v1__products(tenant, connector, slice) -%}
with records as (
    select
        m.*,
        from_json(m.raw_data_payload->'$.categories', '[{"name": "varchar"}]') as categories,
        from_json(m.raw_data_payload->'$.variations', '["varchar"]') as variations
    from {{ slice }} as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as product_id,
    {{ gata_ecom_text('$.name') }} as title,
    {{ gata_ecom_text('$.slug') }} as handle,
    {{ gata_ecom_text('$.sku') }} as sku,
    -- WooCommerce products have no vendor field
    null::varchar as vendor,
    m.categories[1].name as product_type,
    -- publish | draft | pending | private, named as Shopify does
    case lower(m.raw_data_payload->>'$.status') when 'publish' then 'active'
         else lower(m.raw_data_payload->>'$.status') end as status,
    {{ gata_ecom_money("m.raw_data_payload->>'$.price'") }} as price,
    {{ gata_ecom_config_currency(tenant, connector) }} as currency,
    -- a simple product is its own single variant
    greatest(len(coalesce(m.variations, [])), 1) as variant_count,
    try_cast(m.raw_data_payload->>'$.stock_quantity' as bigint) as inventory_quantity,
    -- variations are a sub-resource: only their ids come with the product
    to_json([{'variant_id': v, 'sku': null::varchar, 'title': null::varchar, 'price': null::decimal(18,2),
              'inventory_quantity': null::bigint} for v in coalesce(m.variations, [])]) as variants_json,
    {{ gata_ecom_woo_time('date_created') }} as created_ts,
    {{ gata_ecom_woo_time('date_modified') }} as updated_ts
from records as m
{%- endmacro %}
