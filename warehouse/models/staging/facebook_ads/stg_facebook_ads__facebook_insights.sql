{{ gata_stage(source('facebook_ads', 'facebook_insights')) }}
