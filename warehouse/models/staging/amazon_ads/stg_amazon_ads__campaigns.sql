{{ gata_stage(source('amazon_ads', 'campaigns')) }}
