{{ gata_stage(source('instagram_ads', 'campaigns')) }}
