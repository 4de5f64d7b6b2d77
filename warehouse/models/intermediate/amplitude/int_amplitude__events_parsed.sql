{{ gata_extract__amplitude_api_v1__events(gata_tenant(), 'amplitude', gata_master_slice('amplitude', ref('platform_mm__amplitude_api_v1_events'))) if gata_uses('amplitude') }}
