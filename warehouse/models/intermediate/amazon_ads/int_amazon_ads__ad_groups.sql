{{ gata_extract__amazon_ads_api_v1__ad_groups(gata_tenant(), 'amazon_ads', gata_master_slice('amazon_ads', ref('platform_mm__amazon_ads_api_v1_ad_groups'))) if gata_uses('amazon_ads') }}
