{{ gata_stage(source('mixpanel', 'people')) }}
