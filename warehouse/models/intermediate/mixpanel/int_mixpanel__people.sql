{{ gata_extract__mixpanel_api_v1__people(gata_tenant(), 'mixpanel', gata_master_slice('mixpanel', ref('platform_mm__mixpanel_api_v1_people'))) if gata_uses('mixpanel') }}
