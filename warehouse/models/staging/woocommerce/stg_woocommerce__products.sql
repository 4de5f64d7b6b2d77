{{ gata_stage(source('woocommerce', 'products')) }}
