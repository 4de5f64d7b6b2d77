{{ gata_stage(source('facebook_ads', 'ads')) }}
