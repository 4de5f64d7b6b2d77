{{ config(tags=['logic']) }}
{{ gata_extract__tiktok_ads_api_v1__ads_reports_daily(gata_tenant(), 'tiktok_ads', gata_master_slice('tiktok_ads', ref('platform_mm__tiktok_ads_api_v1_ads_reports_daily'))) if gata_uses('tiktok_ads') }}
