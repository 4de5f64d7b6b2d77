{{ gata_stage(source('shopify', 'products')) }}
