{{ gata_stage(source('linkedin_ads', 'ad_analytics')) }}
