{{ gata_extract__woocommerce_api_v1__products(gata_tenant(), 'woocommerce', gata_master_slice('woocommerce', ref('platform_mm__woocommerce_api_v1_products'))) if gata_uses('woocommerce') }}
