{{ gata_stage(source('woocommerce', 'orders')) }}
