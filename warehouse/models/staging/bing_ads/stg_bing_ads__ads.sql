{{ gata_stage(source('bing_ads', 'ads')) }}
