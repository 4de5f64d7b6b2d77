{{ gata_stage(source('amazon_ads', 'product_ads')) }}
