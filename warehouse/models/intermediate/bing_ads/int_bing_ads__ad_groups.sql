{{ gata_extract__bing_ads_api_v1__ad_groups(gata_tenant(), 'bing_ads', gata_master_slice('bing_ads', ref('platform_mm__bing_ads_api_v1_ad_groups'))) if gata_uses('bing_ads') }}
