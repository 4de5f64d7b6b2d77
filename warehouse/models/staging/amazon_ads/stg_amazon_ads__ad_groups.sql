{{ gata_stage(source('amazon_ads', 'ad_groups')) }}
