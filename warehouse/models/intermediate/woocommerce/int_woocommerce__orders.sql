{{ config(tags=['logic']) }}
{{ gata_extract__woocommerce_api_v1__orders(gata_tenant(), 'woocommerce', gata_master_slice('woocommerce', ref('platform_mm__woocommerce_api_v1_orders'))) if gata_uses('woocommerce') }}
