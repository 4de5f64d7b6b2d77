{{ gata_extract__bigcommerce_api_v1__products(gata_tenant(), 'bigcommerce', gata_master_slice('bigcommerce', ref('platform_mm__bigcommerce_api_v1_products'))) if gata_uses('bigcommerce') }}
