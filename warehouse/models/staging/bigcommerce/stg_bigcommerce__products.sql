{{ gata_stage(source('bigcommerce', 'products')) }}
