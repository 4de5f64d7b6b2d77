{{ gata_fct_orders(gata_tenant()) }}
