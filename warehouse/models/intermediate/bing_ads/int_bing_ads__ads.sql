{{ gata_extract__bing_ads_api_v1__ads(gata_tenant(), 'bing_ads', gata_master_slice('bing_ads', ref('platform_mm__bing_ads_api_v1_ads'))) if gata_uses('bing_ads') }}
