{{ gata_stage(source('facebook_ads', 'ad_sets')) }}
