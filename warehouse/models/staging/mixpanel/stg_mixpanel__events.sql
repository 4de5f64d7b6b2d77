{{ gata_stage(source('mixpanel', 'events')) }}
