{{ gata_extract__shopify_api_v1__products(gata_tenant(), 'shopify', gata_master_slice('shopify', ref('platform_mm__shopify_api_v1_products'))) if gata_uses('shopify') }}
