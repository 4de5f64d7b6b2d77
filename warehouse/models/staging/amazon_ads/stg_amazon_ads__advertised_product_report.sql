{{ gata_stage(source('amazon_ads', 'advertised_product_report')) }}
