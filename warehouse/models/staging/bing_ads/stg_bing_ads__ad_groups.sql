{{ gata_stage(source('bing_ads', 'ad_groups')) }}
