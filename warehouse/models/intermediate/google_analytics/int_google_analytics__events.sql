{{ config(tags=['logic']) }}
{{ gata_extract__google_analytics_api_v1__events(gata_tenant(), 'google_analytics', gata_master_slice('google_analytics', ref('platform_mm__google_analytics_api_v1_events'))) if gata_uses('google_analytics') }}
