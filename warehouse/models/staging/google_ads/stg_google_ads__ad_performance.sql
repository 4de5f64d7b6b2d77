{{ gata_stage(source('google_ads', 'ad_performance')) }}
