{{ gata_extract__tiktok_ads_api_v1__ads(gata_tenant(), 'tiktok_ads', gata_master_slice('tiktok_ads', ref('platform_mm__tiktok_ads_api_v1_ads'))) if gata_uses('tiktok_ads') }}
