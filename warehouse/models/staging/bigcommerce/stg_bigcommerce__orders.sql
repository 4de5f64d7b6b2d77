{{ gata_stage(source('bigcommerce', 'orders')) }}
