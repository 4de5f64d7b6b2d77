{{ gata_extract__amazon_ads_api_v1__product_ads(gata_tenant(), 'amazon_ads', gata_master_slice('amazon_ads', ref('platform_mm__amazon_ads_api_v1_product_ads'))) if gata_uses('amazon_ads') }}
