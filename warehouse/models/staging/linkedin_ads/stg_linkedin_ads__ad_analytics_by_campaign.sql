{{ gata_stage(source('linkedin_ads', 'ad_analytics_by_campaign')) }}
