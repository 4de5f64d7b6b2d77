{{ config(tags=['logic']) }}
{{ gata_extract__linkedin_ads_api_v1__ad_analytics(gata_tenant(), 'linkedin_ads', gata_master_slice('linkedin_ads', ref('platform_mm__linkedin_ads_api_v1_ad_analytics'))) if gata_uses('linkedin_ads') }}
