{{ gata_stage(source('linkedin_ads', 'campaigns')) }}
