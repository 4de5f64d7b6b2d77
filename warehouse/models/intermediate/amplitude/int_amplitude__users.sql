{{ gata_extract__amplitude_api_v1__users(gata_tenant(), 'amplitude', gata_master_slice('amplitude', ref('platform_mm__amplitude_api_v1_users'))) if gata_uses('amplitude') }}
