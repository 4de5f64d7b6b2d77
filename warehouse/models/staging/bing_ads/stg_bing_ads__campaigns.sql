{{ gata_stage(source('bing_ads', 'campaigns')) }}
