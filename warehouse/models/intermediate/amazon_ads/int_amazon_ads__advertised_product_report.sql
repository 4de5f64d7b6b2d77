{{ config(tags=['logic']) }}
{{ gata_extract__amazon_ads_api_v1__advertised_product_report(gata_tenant(), 'amazon_ads', gata_master_slice('amazon_ads', ref('platform_mm__amazon_ads_api_v1_advertised_product_report'))) if gata_uses('amazon_ads') }}
