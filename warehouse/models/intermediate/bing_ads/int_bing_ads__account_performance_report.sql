{{ config(tags=['logic']) }}
{{ gata_extract__bing_ads_api_v1__account_performance_report(gata_tenant(), 'bing_ads', gata_master_slice('bing_ads', ref('platform_mm__bing_ads_api_v1_account_performance_report'))) if gata_uses('bing_ads') }}
