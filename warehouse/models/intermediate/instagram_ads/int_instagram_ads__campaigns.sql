{{ gata_extract__facebook_ads_api_v1__campaigns(gata_tenant(), 'instagram_ads', gata_master_slice('instagram_ads', ref('platform_mm__facebook_ads_api_v1_campaigns'))) if gata_uses('instagram_ads') }}
