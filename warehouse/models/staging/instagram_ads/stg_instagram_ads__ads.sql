{{ gata_stage(source('instagram_ads', 'ads')) }}
