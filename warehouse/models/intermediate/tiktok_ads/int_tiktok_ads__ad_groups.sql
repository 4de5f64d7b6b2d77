{{ gata_extract__tiktok_ads_api_v1__ad_groups(gata_tenant(), 'tiktok_ads', gata_master_slice('tiktok_ads', ref('platform_mm__tiktok_ads_api_v1_ad_groups'))) if gata_uses('tiktok_ads') }}
