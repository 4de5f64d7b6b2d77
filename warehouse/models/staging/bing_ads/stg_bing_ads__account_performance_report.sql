{{ gata_stage(source('bing_ads', 'account_performance_report')) }}
