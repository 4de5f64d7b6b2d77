{{ gata_stage(source('google_ads', 'customers')) }}
