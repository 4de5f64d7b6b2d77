{{ gata_stage(source('instagram_ads', 'ad_sets')) }}
