{{ config(tags=['logic']) }}
{{ gata_extract__bigcommerce_api_v1__orders(gata_tenant(), 'bigcommerce', gata_master_slice('bigcommerce', ref('platform_mm__bigcommerce_api_v1_orders'))) if gata_uses('bigcommerce') }}
