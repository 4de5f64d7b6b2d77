{{ gata_stage(source('shopify', 'orders')) }}
