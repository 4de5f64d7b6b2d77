{{ gata_stage(source('tiktok_ads', 'ad_groups')) }}
