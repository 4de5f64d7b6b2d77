{#-
  BigCommerce (master model family bigcommerce_api_v1): orders from the v2 Orders API (money as strings
  with four decimals, dates RFC-2822, the order's products embedded) and products from the v3 Catalog API
  (numbers, ISO-8601). Guests have customer_id 0; the buyer's email is on the billing address.
-#}

{% macro gata_extract__bigcommerce_api_v1__orders(tenant, connector, slice) -%}
with records as (
    -- the embedded products, parsed once per order; base_price is the unit price before discount and tax
    select
        m.*,
        from_json(m.raw_data_payload->'$.products',
                  '[{"product_id": "varchar", "sku": "varchar", "name": "varchar", "quantity": "integer",
                     "base_price": "decimal(18,2)"}]') as products,
        try_cast(m.raw_data_payload->>'$.status_id' as integer) as status_id,
        lower(m.raw_data_payload->>'$.status') as shop_status,
        {{ gata_ecom_money("m.raw_data_payload->>'$.total_inc_tax'") }} as order_total,
        coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.refunded_amount'") }}, 0) as refunded_total
    from {{ slice }} as m
),

normalised as (
    select
        m.*,
        [{'product_id': p.product_id, 'sku': p.sku, 'name': p.name, 'quantity': p.quantity, 'price': p.base_price}
         for p in m.products] as lines
    from records as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as order_id,
    (m.raw_data_payload->>'$.id') as order_number,
    {{ gata_ecom_rfc2822_utc("m.raw_data_payload->>'$.date_created'") }} as order_ts,
    {{ gata_ecom_rfc2822_utc("m.raw_data_payload->>'$.date_modified'") }} as updated_ts,
    -- v2 orders keep no cancellation time
    null::timestamp as cancelled_ts,
    {{ gata_ecom_customer_id("m.raw_data_payload->>'$.customer_id'") }} as customer_id,
    lower({{ gata_ecom_text('$.billing_address.email') }}) as customer_email,
    coalesce(m.raw_data_payload->>'$.customer_id', '0') = '0' as is_guest,
    coalesce({{ gata_ecom_text('$.currency_code') }}, {{ gata_ecom_text('$.default_currency_code') }},
             {{ gata_ecom_config_currency(tenant, connector) }}) as currency,
    m.order_total as total_price,
    {{ gata_ecom_money("m.raw_data_payload->>'$.subtotal_ex_tax'") }} as subtotal_price,
    -- coupons and manual discounts are two separate amounts in v2
    case when (m.raw_data_payload->>'$.coupon_discount') is not null
              or (m.raw_data_payload->>'$.discount_amount') is not null
         then coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.coupon_discount'") }}, 0)
              + coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.discount_amount'") }}, 0)
    end as total_discounts,
    {{ gata_ecom_money("m.raw_data_payload->>'$.total_tax'") }} as total_tax,
    coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.shipping_cost_ex_tax'") }},
             {{ gata_ecom_money("m.raw_data_payload->>'$.base_shipping_cost'") }}) as shipping_price,
    m.refunded_total as refunded_amount,
    m.shop_status as source_status,
    -- BigCommerce order status ids (v2): the id is stable where the label can be renamed by the merchant
    case
        when m.status_id in (5, 6) or (m.status_id is null and m.shop_status in ('cancelled', 'declined'))
            then 'cancelled'
        when m.status_id = 4 or (m.status_id is null and m.shop_status = 'refunded') then 'refunded'
        when m.status_id = 14 or (m.status_id is null and m.shop_status = 'partially refunded')
            then 'partially_refunded'
        -- incomplete, pending, awaiting payment, manual verification required
        when m.status_id in (0, 1, 7, 12) or m.status_id is null then 'pending'
        else 'paid'
    end as financial_status,
    case
        when m.status_id in (2, 10)
             or (try_cast(m.raw_data_payload->>'$.items_total' as integer) > 0
                 and try_cast(m.raw_data_payload->>'$.items_shipped' as integer)
                     >= try_cast(m.raw_data_payload->>'$.items_total' as integer))
            then 'fulfilled'
        else 'unfulfilled'
    end as fulfillment_status,
    {{ gata_ecom_line_items_json('m.lines') }} as line_items_json,
    coalesce({{ gata_ecom_line_item_units('m.lines') }},
             try_cast(m.raw_data_payload->>'$.items_total' as integer)) as line_item_count,
    {{ gata_ecom_text('$.coupons[0].code') }} as discount_code,
    {{ gata_ecom_text('$.billing_address.country_iso2') }} as billing_country_code,
    -- v2 orders carry no referrer or landing page
    null::varchar as referring_site,
    null::varchar as landing_page,
    null::varchar as landing_source,
    null::varchar as landing_medium,
    null::varchar as landing_campaign,
    null::varchar as landing_content,
    null::varchar as landing_campaign_id
from normalised as m
{%- endmacro %}


{% macro gata_extract__bigcommerce_api_v1__products(tenant, connector, slice) -%}
with records as (
    select
        m.*,
        from_json(m.raw_data_payload->'$.variants',
                  '[{"id": "varchar", "sku": "varchar", "price": "decimal(18,2)", "calculated_price": "decimal(18,2)",
                     "inventory_level": "bigint", "option_values": [{"label": "varchar"}]}]') as variants
    from {{ slice }} as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as product_id,
    {{ gata_ecom_text('$.name') }} as title,
    nullif(trim(m.raw_data_payload->>'$.custom_url.url', '/'), '') as handle,
    {{ gata_ecom_text('$.sku') }} as sku,
    -- the catalog names brands and categories by id only
    null::varchar as vendor,
    null::varchar as product_type,
    case when coalesce(try_cast(m.raw_data_payload->>'$.is_visible' as boolean), true) then 'active' else 'hidden' end
        as status,
    coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.calculated_price'") }},
             {{ gata_ecom_money("m.raw_data_payload->>'$.price'") }}) as price,
    {{ gata_ecom_config_currency(tenant, connector) }} as currency,
    len(m.variants) as variant_count,
    coalesce(try_cast(m.raw_data_payload->>'$.inventory_level' as bigint),
             list_sum([v.inventory_level for v in m.variants])) as inventory_quantity,
    to_json([{'variant_id': v.id, 'sku': v.sku,
              'title': coalesce(list_string_agg([o.label for o in v.option_values]), 'Default Title'),
              'price': coalesce(v.price, v.calculated_price), 'inventory_quantity': v.inventory_level}
             for v in coalesce(m.variants, [])]) as variants_json,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.date_created'") }} as created_ts,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.date_modified'") }} as updated_ts
from records as m
{%- endmacro %}
