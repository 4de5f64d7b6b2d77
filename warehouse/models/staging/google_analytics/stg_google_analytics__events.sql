{{ gata_stage(source('google_analytics', 'events')) }}
