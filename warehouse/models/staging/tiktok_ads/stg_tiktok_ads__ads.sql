{{ gata_stage(source('tiktok_ads', 'ads')) }}
