{#-
  Shopify Admin REST API 2024-01 (master model family shopify_api_v1): orders and products, parsed once
  from the landed record. Money is a two-decimal string, times ISO-8601 with the shop's offset.
-#}

{% macro gata_extract__shopify_api_v1__orders(tenant, connector, slice) -%}
with records as (
    -- the nested arrays, parsed once per order; keys a record lacks come back NULL
    select
        m.*,
        from_json(m.raw_data_payload->'$.line_items',
                  '[{"product_id": "varchar", "sku": "varchar", "name": "varchar", "quantity": "integer",
                     "price": "decimal(18,2)"}]') as lines,
        from_json(m.raw_data_payload->'$.refunds',
                  '[{"transactions": [{"kind": "varchar", "status": "varchar", "amount": "decimal(18,2)"}]}]')
            as refunds,
        from_json(m.raw_data_payload->'$.shipping_lines', '[{"price": "decimal(18,2)"}]') as shipping_lines,
        lower(m.raw_data_payload->>'$.financial_status') as shop_financial_status,
        {{ gata_ecom_text('$.landing_site') }} as landing_site
    from {{ slice }} as m
),

amounts as (
    select
        m.*,
        -- money actually returned: the successful refund transactions of every refund
        coalesce(list_sum([t.amount
                           for t in flatten([coalesce(r.transactions, []) for r in coalesce(m.refunds, [])])
                           if t.kind = 'refund' and coalesce(t.status, 'success') = 'success']), 0)
            as refunded_total,
        coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.total_shipping_price_set.shop_money.amount'") }},
                 list_sum([s.price for s in m.shipping_lines])) as shipping_total
    from records as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as order_id,
    coalesce({{ gata_ecom_text('$.name') }}, (m.raw_data_payload->>'$.order_number')) as order_number,
    coalesce({{ gata_ecom_iso_utc("m.raw_data_payload->>'$.created_at'") }},
             {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.processed_at'") }}) as order_ts,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.updated_at'") }} as updated_ts,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.cancelled_at'") }} as cancelled_ts,
    -- guest checkouts still get a (disabled) customer record, so Shopify always has the buyer's id
    {{ gata_ecom_customer_id("m.raw_data_payload->>'$.customer.id'") }} as customer_id,
    lower(coalesce({{ gata_ecom_text('$.email') }}, {{ gata_ecom_text('$.contact_email') }},
                   {{ gata_ecom_text('$.customer.email') }})) as customer_email,
    coalesce(m.raw_data_payload->>'$.customer.state', 'disabled') <> 'enabled' as is_guest,
    coalesce({{ gata_ecom_text('$.currency') }}, {{ gata_ecom_config_currency(tenant, connector) }}) as currency,
    {{ gata_ecom_money("m.raw_data_payload->>'$.total_price'") }} as total_price,
    -- Shopify's own subtotal_price is after discounts; the contract's subtotal is before them
    coalesce({{ gata_ecom_money("m.raw_data_payload->>'$.total_line_items_price'") }},
             list_sum([coalesce(line.price * line.quantity, 0) for line in m.lines])) as subtotal_price,
    {{ gata_ecom_money("m.raw_data_payload->>'$.total_discounts'") }} as total_discounts,
    {{ gata_ecom_money("m.raw_data_payload->>'$.total_tax'") }} as total_tax,
    m.shipping_total as shipping_price,
    m.refunded_total as refunded_amount,
    m.shop_financial_status as source_status,
    case
        when (m.raw_data_payload->>'$.cancelled_at') is not null or m.shop_financial_status = 'voided' then 'cancelled'
        when m.shop_financial_status = 'refunded' then 'refunded'
        when m.shop_financial_status = 'partially_refunded' then 'partially_refunded'
        when m.shop_financial_status = 'paid' then 'paid'
        -- pending, authorized, partially_paid, expired: money not (fully) captured
        else 'pending'
    end as financial_status,
    case when lower(m.raw_data_payload->>'$.fulfillment_status') = 'fulfilled' then 'fulfilled' else 'unfulfilled' end
        as fulfillment_status,
    {{ gata_ecom_line_items_json('m.lines') }} as line_items_json,
    {{ gata_ecom_line_item_units('m.lines') }} as line_item_count,
    {{ gata_ecom_text('$.discount_codes[0].code') }} as discount_code,
    {{ gata_ecom_text('$.billing_address.country_code') }} as billing_country_code,
    {{ gata_ecom_text('$.referring_site') }} as referring_site,
    nullif(regexp_extract(m.landing_site, '^[^?#]*'), '') as landing_page,
    -- the landing URL's UTMs: only paid and newsletter sessions carry them
    {{ gata_ecom_query_param('m.landing_site', 'utm_source') }} as landing_source,
    {{ gata_ecom_query_param('m.landing_site', 'utm_medium') }} as landing_medium,
    {{ gata_ecom_query_param('m.landing_site', 'utm_campaign') }} as landing_campaign,
    {{ gata_ecom_query_param('m.landing_site', 'utm_content') }} as landing_content,
    {{ gata_ecom_query_param('m.landing_site', 'utm_id') }} as landing_campaign_id
from amounts as m
{%- endmacro %}


{% macro gata_extract__shopify_api_v1__products(tenant, connector, slice) -%}
with records as (
    select
        m.*,
        from_json(m.raw_data_payload->'$.variants',
                  '[{"id": "varchar", "sku": "varchar", "title": "varchar", "price": "decimal(18,2)",
                     "inventory_quantity": "bigint"}]') as variants
    from {{ slice }} as m
)

select
    {{ gata_int_metadata() }},
    (m.raw_data_payload->>'$.id') as product_id,
    {{ gata_ecom_text('$.title') }} as title,
    {{ gata_ecom_text('$.handle') }} as handle,
    -- the product's own sku: its variants' common stem (one variant: that sku)
    case when len(m.variants) = 1 then m.variants[1].sku
         else nullif(regexp_replace(m.variants[1].sku, '-[^-]*$', ''), '') end as sku,
    {{ gata_ecom_text('$.vendor') }} as vendor,
    {{ gata_ecom_text('$.product_type') }} as product_type,
    lower(m.raw_data_payload->>'$.status') as status,
    list_min([v.price for v in m.variants]) as price,
    {{ gata_ecom_config_currency(tenant, connector) }} as currency,
    len(m.variants) as variant_count,
    list_sum([v.inventory_quantity for v in m.variants]) as inventory_quantity,
    to_json([{'variant_id': v.id, 'sku': v.sku, 'title': v.title, 'price': v.price,
              'inventory_quantity': v.inventory_quantity} for v in coalesce(m.variants, [])]) as variants_json,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.created_at'") }} as created_ts,
    {{ gata_ecom_iso_utc("m.raw_data_payload->>'$.updated_at'") }} as updated_ts
from records as m
{%- endmacro %}
