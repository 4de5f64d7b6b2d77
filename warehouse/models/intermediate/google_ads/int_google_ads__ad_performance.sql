{{ config(tags=['logic']) }}
{{ gata_extract__google_ads_api_v1__ad_performance(gata_tenant(), 'google_ads', gata_master_slice('google_ads', ref('platform_mm__google_ads_api_v1_ad_performance'))) if gata_uses('google_ads') }}
