{{ gata_stage(source('instagram_ads', 'facebook_insights')) }}
