{{ gata_extract__facebook_ads_api_v1__ad_sets(gata_tenant(), 'facebook_ads', gata_master_slice('facebook_ads', ref('platform_mm__facebook_ads_api_v1_ad_sets'))) if gata_uses('facebook_ads') }}
