{{ config(tags=['logic']) }}
{{ gata_extract__shopify_api_v1__orders(gata_tenant(), 'shopify', gata_master_slice('shopify', ref('platform_mm__shopify_api_v1_orders'))) if gata_uses('shopify') }}
