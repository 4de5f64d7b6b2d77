{{ gata_stage(source('tiktok_ads', 'ads_reports_daily')) }}
